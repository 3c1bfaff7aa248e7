using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Platform.Identity.Oidc;

/// <summary>
/// RFC 6749 sections 3.1 and 3.2: request parameters "MUST NOT be included more than once". OpenIddict keeps a repeated
/// parameter as an array and reads its first value, so <c>scope=openid&amp;scope=records</c> was accepted at PAR and
/// stored; what a gateway or log sees (the last value, or both) then differs from what the server grants. Checked at
/// the authorization, PAR, token, introspection and revocation endpoints; answered <c>invalid_request</c>.
/// <c>resource</c> and <c>audience</c> are the exceptions the specifications allow (RFC 8707, RFC 8693).
/// </summary>
public static class SingleValuedParameterRule
{
    private static readonly HashSet<string> MayRepeat = new(StringComparer.Ordinal) { Parameters.Resource, Parameters.Audience };

    public static OpenIddictServerBuilder AddSingleValuedParameterRule(this OpenIddictServerBuilder server)
    {
        server.AddEventHandler<OpenIddictServerEvents.ValidateAuthorizationRequestContext>(h => h.UseInlineHandler(c => Check(c.Request, c)));
        server.AddEventHandler<OpenIddictServerEvents.ValidatePushedAuthorizationRequestContext>(h => h.UseInlineHandler(c => Check(c.Request, c)));
        server.AddEventHandler<OpenIddictServerEvents.ValidateTokenRequestContext>(h => h.UseInlineHandler(c => Check(c.Request, c)));
        server.AddEventHandler<OpenIddictServerEvents.ValidateIntrospectionRequestContext>(h => h.UseInlineHandler(c => Check(c.Request, c)));
        server.AddEventHandler<OpenIddictServerEvents.ValidateRevocationRequestContext>(h => h.UseInlineHandler(c => Check(c.Request, c)));
        return server;
    }

    /// <summary>The name of the first parameter given more than once (other than those that may repeat), or null.</summary>
    public static string? Repeated(OpenIddictRequest request) =>
        request.GetParameters().FirstOrDefault(p => !MayRepeat.Contains(p.Key) && p.Value.Count > 1).Key;

    private static ValueTask Check(OpenIddictRequest request, OpenIddictServerEvents.BaseValidatingContext context)
    {
        if (Repeated(request) is { } name)
        {
            context.Reject(Errors.InvalidRequest, $"The '{name}' parameter is given more than once (RFC 6749, section 3.1).");
        }
        return default;
    }
}
