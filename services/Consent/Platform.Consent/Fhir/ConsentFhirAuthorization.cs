using Microsoft.AspNetCore.Authorization;
using Platform.ServiceDefaults;

namespace Platform.Consent.Fhir;

/// <summary>
/// Who may call the consent service's FHIR API: a patient (their own consents) or a clinician signed in with a second
/// factor (the consents that name them), with the <c>consent.manage</c> scope the portal and the clinician portal
/// already ask for. Admins are not served here: they read consents through <c>/consents</c>, where they must give an
/// audited reason, which a FHIR client has no way to send.
/// </summary>
public static class ConsentFhirAuthorization
{
    public const string Policy = "consent-fhir";

    public static void AddPolicy(AuthorizationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.AddPolicy(Policy, policy => policy
            .AddAuthenticationSchemes(TokenValidationSetup.Scheme)
            .RequireAuthenticatedUser()
            .RequireScope(Api.ConsentEndpoints.ManageScope)
            .RequireAssertion(c => c.User.HasClaim("role", "patient")
                                   || (c.User.HasClaim("role", "clinician") && c.User.HasClaim("acr", PlatformPolicies.MultiFactorAcr))));
    }
}
