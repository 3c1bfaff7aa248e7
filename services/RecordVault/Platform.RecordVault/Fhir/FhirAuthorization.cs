using Microsoft.AspNetCore.Authorization;
using Platform.RecordVault.Api;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.Smart;

namespace Platform.RecordVault.Fhir;

/// <summary>
/// Who may call the FHIR API: the record API's callers (patients, clinicians signed in with a second factor) holding
/// either the platform's <c>records</c> scope or SMART resource scopes, which <see cref="SmartAccess"/> then applies
/// to each request.
/// </summary>
public static class FhirAuthorization
{
    public const string Policy = "fhir";

    public static void AddPolicy(AuthorizationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.AddPolicy(Policy, policy => policy
            .AddAuthenticationSchemes(TokenValidationSetup.Scheme)
            .RequireAuthenticatedUser()
            .RequireAssertion(c => PlatformPolicies.HasScope(c.User, RecordEndpoints.Scope) || SmartScopes.Granted(c.User).Count > 0)
            .RequireAssertion(c => c.User.HasClaim("role", "patient")
                                   || (c.User.HasClaim("role", "clinician") && c.User.HasClaim("acr", PlatformPolicies.MultiFactorAcr))));
    }
}
