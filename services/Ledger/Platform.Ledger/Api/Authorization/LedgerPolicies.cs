using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Platform.Ledger.Node;
using Platform.ServiceDefaults;

namespace Platform.Ledger.Api.Authorization;

/// <summary>
/// Who may call the ledger's protected endpoints, as authorization policies like the other services': an access token
/// from the identity service (when <c>Authentication:Authority</c> is configured) that the policy admits, or a static
/// token of the policy's own group (<see cref="StaticTokenHandler"/>). A valid access token that is not admitted gets
/// 403; no valid token at all gets 401 with <c>WWW-Authenticate: Bearer</c>. Both answer problem+json.
/// </summary>
public static class LedgerPolicies
{
    /// <summary>Services submitting signed events: a service token with <see cref="SubmitScope"/>, or <c>Ledger:ServiceTokens</c>.</summary>
    public const string Submit = "ledger-submit";

    /// <summary>
    /// Reading entries, which are private: a token with <see cref="AuditScope"/> held by a service or by a user in the
    /// <see cref="AuditorRole"/> or admin role who signed in with a second factor; or <c>Ledger:AuditorTokens</c>, or
    /// the replicas' cluster token (a replica holds the whole log anyway).
    /// </summary>
    public const string Audit = "ledger-audit";

    /// <summary>
    /// Membership changes and governance relays: an administrator signed in with a second factor whose token has
    /// <see cref="AdminScope"/>, or the static <c>Ledger:AdminToken</c>. Service tokens and the cluster token are not enough.
    /// </summary>
    public const string Administer = "ledger-administer";

    /// <summary>The replicas' channel on a ledger run by one operator: the shared <c>Ledger:ClusterToken</c>.</summary>
    public const string Replicate = "ledger-replicate";

    public const string SubmitScope = "ledger.submit";
    public const string AuditScope = "ledger.audit";
    public const string AdminScope = "ledger.admin";
    public const string AuditorRole = "auditor";

    private const string ServiceTokens = "LedgerServiceToken";
    private const string AuditorTokens = "LedgerAuditorToken";
    private const string AdminToken = "LedgerAdminToken";
    private const string ClusterToken = "LedgerClusterToken";

    /// <summary>Registers the static-token schemes and the four policies.</summary>
    public static WebApplicationBuilder AddLedgerAuthorization(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var accessTokens = TokenValidationSetup.IsConfigured(builder.Configuration);
        var authentication = builder.Services.AddAuthentication(o =>
        {
            // With more than one scheme there is no implicit default: keep authenticating the identity service's
            // tokens up front (rate limiting by subject) as every other service does.
            if (accessTokens)
            {
                o.DefaultScheme = TokenValidationSetup.Scheme;
            }
        });
        authentication
            .AddScheme<StaticTokenOptions, StaticTokenHandler>(ServiceTokens, o => o.Tokens = l => l.ServiceTokens)
            .AddScheme<StaticTokenOptions, StaticTokenHandler>(AuditorTokens, o => o.Tokens = l => l.AuditorTokens.Append(new("cluster", l.ClusterToken)))
            .AddScheme<StaticTokenOptions, StaticTokenHandler>(AdminToken, o => o.Tokens = l => [new("admin", l.AdminToken)])
            .AddScheme<StaticTokenOptions, StaticTokenHandler>(ClusterToken, o => o.Tokens = l => [new("cluster", l.ClusterToken)]);

        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(Submit, p => Admit(p, accessTokens, ServiceTokens,
                caller => PlatformPolicies.IsServiceToken(caller) && PlatformPolicies.HasScope(caller, SubmitScope)))
            .AddPolicy(Audit, p => Admit(p, accessTokens, AuditorTokens,
                caller => PlatformPolicies.HasScope(caller, AuditScope) && (PlatformPolicies.IsServiceToken(caller) || IsAuditingUser(caller))))
            .AddPolicy(Administer, p => Admit(p, accessTokens, AdminToken,
                caller => caller.HasClaim("role", "admin") && caller.HasClaim("acr", PlatformPolicies.MultiFactorAcr) && PlatformPolicies.HasScope(caller, AdminScope)))
            .AddPolicy(Replicate, p => Admit(p, accessTokens: false, ClusterToken, _ => false));
        return builder;
    }

    private static void Admit(AuthorizationPolicyBuilder policy, bool accessTokens, string staticScheme, Func<ClaimsPrincipal, bool> admitsAccessToken)
    {
        if (accessTokens)
        {
            policy.AddAuthenticationSchemes(TokenValidationSetup.Scheme);
        }
        policy.AddAuthenticationSchemes(staticScheme)
            .RequireAuthenticatedUser()
            .RequireAssertion(c => c.User.Identities.Any(i => i.IsAuthenticated && i.AuthenticationType == staticScheme)
                || (accessTokens && admitsAccessToken(c.User)));
    }

    private static bool IsAuditingUser(ClaimsPrincipal user) =>
        (user.HasClaim("role", AuditorRole) || user.HasClaim("role", "admin")) && user.HasClaim("acr", PlatformPolicies.MultiFactorAcr);
}
