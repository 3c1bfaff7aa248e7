using System.Security.Claims;
using Platform.ServiceDefaults;

namespace Platform.Ledger.Api;

/// <summary>
/// Admits operators to the ledger's administration endpoints (membership changes): an access token from the identity
/// service for a user with the <c>admin</c> role, signed in with a second factor (<see cref="PlatformPolicies.Admin"/>),
/// and the <c>ledger.admin</c> scope, when <c>Authentication:Authority</c> is configured; or the static
/// <c>Ledger:AdminToken</c> (a Secret) for deployments without the identity service in front. Service tokens and
/// the replicas' cluster token are not enough.
/// </summary>
public sealed class AdminCallerFilter(BearerTokenFilter staticToken) : CallerFilter(staticToken)
{
    public const string AdminScope = "ledger.admin";

    protected override bool Admits(ClaimsPrincipal caller) =>
        caller.HasClaim("role", "admin") && caller.HasClaim("acr", PlatformPolicies.MultiFactorAcr) && PlatformPolicies.HasScope(caller, AdminScope);

    protected override string Refusal =>
        $"Changing the ledger's membership needs an administrator signed in with a second factor and the '{AdminScope}' scope.";
}
