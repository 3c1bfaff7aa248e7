using System.Security.Claims;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using Platform.Identity.Accounts;
using Platform.ServiceDefaults.Smart;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Platform.Identity.Smart;

/// <summary>
/// SMART App Launch 2.x standalone launch at the authorization and token endpoints (docs/fhir.md): the patient in
/// context (a patient's is themselves; a clinician picks one whose consent covers them), the <c>patient</c> claim the
/// record vault narrows <c>patient/</c> scopes to, <c>fhirUser</c> in the identity token, and the token response's
/// <c>patient</c> parameter, kept across refreshes.
/// </summary>
public sealed class SmartLaunch(UserManager<PlatformUser> users, IAntiforgery antiforgery, ConsentedPatients consented, IOptions<SmartOptions> options)
{
    /// <summary>The form field the patient picker posts back to the authorization endpoint.</summary>
    public const string PatientField = "smart_patient";

    public const string PickerPath = "/connect/patient";

    /// <summary>The audience of SMART resource scopes: the record vault serves the FHIR API.</summary>
    public const string FhirAudience = "record-vault";

    /// <summary>A patient in context is needed for <c>launch/patient</c> and for any <c>patient/</c> scope (SMART: granting one SHALL come with a patient).</summary>
    public static bool NeedsPatient(IEnumerable<string> scopes) =>
        scopes.Any(s => s == SmartScopes.LaunchPatient || (SmartScope.TryParse(s, out var scope) && scope.Context == SmartScope.PatientContext));

    public async Task<SmartLaunchDecision> DecideAsync(HttpContext http, OpenIddictRequest request, PlatformUser user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(user);
        if (!NeedsPatient(request.GetScopes()))
        {
            return SmartLaunchDecision.NoContext;
        }
        var roles = await users.GetRolesAsync(user);
        if (roles.Contains(PlatformRoles.Clinician))
        {
            var chosen = (string?)request.GetParameter(PatientField);
            if (string.IsNullOrEmpty(chosen))
            {
                return SmartLaunchDecision.Pick;
            }
            // The choice must come from our picker (or the consent page that carried it on), not from a link.
            if (!HttpMethods.IsPost(http.Request.Method) || !http.Request.HasFormContentType || !await antiforgery.IsRequestValidAsync(http))
            {
                return SmartLaunchDecision.Refuse("The patient must be chosen on the patient picker; start the launch again.");
            }
            // Checked again here, not only when the list was shown: a consent may have ended in between.
            var covered = await consented.ListAsync(user.Id, cancellationToken);
            return covered.Contains(chosen, StringComparer.Ordinal)
                ? SmartLaunchDecision.For(chosen)
                : SmartLaunchDecision.Refuse("No consent in force covers you for the chosen patient.");
        }
        if (roles.Contains(PlatformRoles.Patient))
        {
            return SmartLaunchDecision.For(user.Id);
        }
        return SmartLaunchDecision.Refuse("Only patients and clinicians launch with a patient in context.");
    }

    /// <summary>Adds the launch's claims to a new sign-in: the patient in context, <c>fhirUser</c>, and the FHIR API's audience.</summary>
    public async Task ApplyAsync(ClaimsIdentity identity, PlatformUser user, string? patient)
    {
        ArgumentNullException.ThrowIfNull(identity);
        ArgumentNullException.ThrowIfNull(user);
        var scopes = identity.GetScopes();
        if (patient is not null)
        {
            identity.SetClaim(SmartScopes.PatientClaim, patient);
        }
        if (scopes.Contains(SmartScopes.FhirUser) && scopes.Contains(Scopes.OpenId))
        {
            var roles = await users.GetRolesAsync(user);
            var type = roles.Contains(PlatformRoles.Clinician) ? "Practitioner" : roles.Contains(PlatformRoles.Patient) ? "Patient" : null;
            if (type is not null)
            {
                identity.SetClaim(SmartScopes.FhirUserClaim, FhirUrl($"{type}/{user.Id}"));
            }
        }
        if (scopes.Any(s => SmartScope.TryParse(s, out _)) && !identity.GetResources().Contains(FhirAudience))
        {
            identity.SetResources([.. identity.GetResources(), FhirAudience]);
        }
        SetDestinations(identity);
    }

    /// <summary>
    /// Keeps a launch's context when a code or refresh token is redeemed (the claims are rebuilt from the account
    /// there), and returns the properties that put <c>patient</c> in the token response.
    /// </summary>
    public static AuthenticationProperties CarryOver(ClaimsPrincipal previous, ClaimsIdentity identity)
    {
        ArgumentNullException.ThrowIfNull(previous);
        ArgumentNullException.ThrowIfNull(identity);
        var properties = new AuthenticationProperties();
        if (previous.GetClaim(SmartScopes.PatientClaim) is { } patient)
        {
            identity.SetClaim(SmartScopes.PatientClaim, patient);
            // OpenIddict adds sign-in parameters to the token response (SMART: "patient" next to the access token).
            properties.Parameters[SmartScopes.PatientClaim] = patient;
        }
        if (previous.GetClaim(SmartScopes.FhirUserClaim) is { } fhirUser)
        {
            identity.SetClaim(SmartScopes.FhirUserClaim, fhirUser);
        }
        SetDestinations(identity);
        return properties;
    }

    private string FhirUrl(string reference) =>
        options.Value.FhirBaseUrl is { } baseUrl ? baseUrl.AbsoluteUri.TrimEnd('/') + "/" + reference : reference;

    private static void SetDestinations(ClaimsIdentity identity)
    {
        foreach (var claim in identity.Claims)
        {
            if (claim.Type == SmartScopes.PatientClaim)
            {
                // The vault narrows patient/ scopes to it; the client learns it from the token response.
                claim.SetDestinations(Destinations.AccessToken);
            }
            else if (claim.Type == SmartScopes.FhirUserClaim)
            {
                claim.SetDestinations(Destinations.IdentityToken);
            }
        }
    }
}
