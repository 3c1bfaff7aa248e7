using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Platform.ServiceDefaults;

namespace Platform.Ledger.Api;

/// <summary>
/// Admits operators to the ledger's administration endpoints (membership changes): an access token from the identity
/// service for a user with the <c>admin</c> role, signed in with a second factor (<see cref="PlatformPolicies.Admin"/>),
/// and the <c>ledger.admin</c> scope, when <c>Authentication:Authority</c> is configured; or the static
/// <c>Ledger:AdminToken</c> (a Secret) for deployments without the identity service in front. Service tokens and
/// the replicas' cluster token are not enough.
/// </summary>
public sealed class AdminCallerFilter(BearerTokenFilter staticToken) : IEndpointFilter
{
    public const string AdminScope = "ledger.admin";

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
                if (caller.HasClaim("role", "admin") && caller.HasClaim("acr", PlatformPolicies.MultiFactorAcr) && PlatformPolicies.HasScope(caller, AdminScope))
                {
                    http.User = caller;
                    return await next(context);
                }
                return Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Not allowed.",
                    detail: $"Changing the ledger's membership needs an administrator signed in with a second factor and the '{AdminScope}' scope.",
                    extensions: new Dictionary<string, object?> { ["code"] = "forbidden" });
            }
        }
        return await staticToken.InvokeAsync(context, next);
    }
}
