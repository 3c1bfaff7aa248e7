using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Platform.ServiceDefaults;

namespace Platform.Ledger.Api;

/// <summary>
/// Admits auditors to the ledger's entries, which are private (checkpoints, proofs and receipts stay public): an
/// access token from the identity service with the <c>ledger.audit</c> scope, held by a service (client
/// credentials) or by a user in the <c>auditor</c> or <c>admin</c> role who signed in with a second factor; or one of
/// the static <c>Ledger:AuditorTokens</c>, or the replicas' cluster token (a replica holds the whole log anyway).
/// Patients read their own entries through their receipts, which carry the entry (docs/ledger-receipts.md).
/// </summary>
public sealed class AuditorFilter(BearerTokenFilter staticTokens) : IEndpointFilter
{
    public const string AuditScope = "ledger.audit";
    public const string AuditorRole = "auditor";

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
                if (PlatformPolicies.HasScope(caller, AuditScope) && (PlatformPolicies.IsServiceToken(caller) || IsAuditingUser(caller)))
                {
                    http.User = caller;
                    return await next(context);
                }
                return Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Not allowed.",
                    detail: $"Entries are for auditors: a token with the '{AuditScope}' scope, of a service or of an auditor signed in with a second factor.",
                    extensions: new Dictionary<string, object?> { ["code"] = "forbidden" });
            }
        }
        return await staticTokens.InvokeAsync(context, next);
    }

    private static bool IsAuditingUser(System.Security.Claims.ClaimsPrincipal user) =>
        (user.HasClaim("role", AuditorRole) || user.HasClaim("role", "admin")) && user.HasClaim("acr", PlatformPolicies.MultiFactorAcr);
}
