using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Platform.ServiceDefaults;

namespace Platform.Ledger.Api;

/// <summary>
/// The ledger's way of admitting a caller to a group of endpoints: an access token from the identity service that
/// <see cref="Admits"/> (when <c>Authentication:Authority</c> is configured), else one of the static bearer tokens of
/// <paramref name="staticTokens"/> (deployments without the identity service in front). A valid token that is not
/// admitted gets 403 with <see cref="Refusal"/>; anything else is left to the static tokens (401 without one).
/// </summary>
public abstract class CallerFilter(BearerTokenFilter staticTokens) : IEndpointFilter
{
    /// <summary>Whether this validated access token may call the endpoints.</summary>
    protected abstract bool Admits(ClaimsPrincipal caller);

    /// <summary>What a caller with a valid token that is not admitted is told.</summary>
    protected abstract string Refusal { get; }

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
                if (Admits(caller))
                {
                    http.User = caller;
                    return await next(context);
                }
                return Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Not allowed.", detail: Refusal,
                    extensions: new Dictionary<string, object?> { ["code"] = "forbidden" });
            }
        }
        return await staticTokens.InvokeAsync(context, next);
    }
}
