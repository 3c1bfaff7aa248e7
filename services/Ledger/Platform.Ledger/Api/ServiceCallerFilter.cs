using System.Security.Claims;
using Platform.ServiceDefaults;

namespace Platform.Ledger.Api;

/// <summary>
/// Admits services that submit signed events: an access token from the identity service (client credentials,
/// audience <c>ledger</c>, scope <c>ledger.submit</c>) when <c>Authentication:Authority</c> is configured, or one
/// of the static <c>Ledger:ServiceTokens</c> (for deployments without the identity service in front).
/// </summary>
public sealed class ServiceCallerFilter(BearerTokenFilter staticTokens) : CallerFilter(staticTokens)
{
    public const string SubmitScope = "ledger.submit";

    protected override bool Admits(ClaimsPrincipal caller) =>
        PlatformPolicies.IsServiceToken(caller) && PlatformPolicies.HasScope(caller, SubmitScope);

    protected override string Refusal =>
        $"Submitting needs a service token with the '{SubmitScope}' scope.";
}
