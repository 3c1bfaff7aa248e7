using System.Security.Claims;
using Platform.ServiceDefaults;

namespace Platform.Ledger.Api;

/// <summary>
/// Admits auditors to the ledger's entries, which are private (checkpoints, proofs and receipts stay public): an
/// access token from the identity service with the <c>ledger.audit</c> scope, held by a service (client
/// credentials) or by a user in the <c>auditor</c> or <c>admin</c> role who signed in with a second factor; or one of
/// the static <c>Ledger:AuditorTokens</c>, or the replicas' cluster token (a replica holds the whole log anyway).
/// Patients read their own entries through their receipts, which carry the entry (docs/ledger-receipts.md).
/// </summary>
public sealed class AuditorFilter(BearerTokenFilter staticTokens) : CallerFilter(staticTokens)
{
    public const string AuditScope = "ledger.audit";
    public const string AuditorRole = "auditor";

    protected override bool Admits(ClaimsPrincipal caller) =>
        PlatformPolicies.HasScope(caller, AuditScope) && (PlatformPolicies.IsServiceToken(caller) || IsAuditingUser(caller));

    protected override string Refusal =>
        $"Entries are for auditors: a token with the '{AuditScope}' scope, of a service or of an auditor signed in with a second factor.";

    private static bool IsAuditingUser(ClaimsPrincipal user) =>
        (user.HasClaim("role", AuditorRole) || user.HasClaim("role", "admin")) && user.HasClaim("acr", PlatformPolicies.MultiFactorAcr);
}
