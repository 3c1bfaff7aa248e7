using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Platform.ServiceDefaults;

namespace Platform.Ledger.Api;

/// <summary>
/// Admits services that submit signed events: an access token from the identity service (client credentials,
/// audience <c>ledger</c>, scope <c>ledger.submit</c>) when <c>Authentication:Authority</c> is configured, or one
/// of the static <c>Ledger:ServiceTokens</c> (for deployments without the identity service in front).
/// </summary>
public sealed class ServiceCallerFilter(BearerTokenFilter staticTokens) : IEndpointFilter
{
    public const string SubmitScope = "ledger.submit";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var schemes = http.RequestServices.GetRequiredService<IAuthenticationSchemeProvider>();
        if (await schemes.GetSchemeAsync(TokenValidationSetup.Scheme) is not null)
        {
            var result = await http.AuthenticateAsync(TokenValidationSetup.Scheme);
            if (result.Succeeded)
            {
                var caller = result.Principal!;
                if (PlatformPolicies.IsServiceToken(caller) && PlatformPolicies.HasScope(caller, SubmitScope))
                {
                    http.User = caller;
                    return await next(context);
                }
                return Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Not allowed.",
                    detail: $"Submitting needs a service token with the '{SubmitScope}' scope.",
                    extensions: new Dictionary<string, object?> { ["code"] = "forbidden" });
            }
        }
        return await staticTokens.InvokeAsync(context, next);
    }
}
