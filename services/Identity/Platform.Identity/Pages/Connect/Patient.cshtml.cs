using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.WebUtilities;
using OpenIddict.Abstractions;
using Platform.Identity.Accounts;
using Platform.Identity.Oidc;
using Platform.Identity.Smart;

namespace Platform.Identity.Pages.Connect;

/// <summary>
/// The SMART patient picker: a clinician's standalone launch with <c>launch/patient</c> (or a <c>patient/</c> scope)
/// chooses the patient here, among those whose consent in force covers them (asked of the consent service). The form
/// posts the original authorization request back with the choice, which the authorization endpoint checks again.
/// </summary>
[Authorize]
public sealed class PatientModel(IOpenIddictApplicationManager applications, UserManager<PlatformUser> users, ConsentedPatients consented) : PageModel
{
    public string ClientName { get; private set; } = "";

    public List<(string Name, string Value)> Parameters { get; } = [];

    public List<(string Id, string Display)> Patients { get; } = [];

    public async Task<IActionResult> OnGetAsync(string? returnUrl, CancellationToken cancellationToken)
    {
        if (returnUrl is null || !returnUrl.StartsWith(OidcServerSetup.AuthorizePath + "?", StringComparison.Ordinal))
        {
            return BadRequest();
        }
        var user = await users.GetUserAsync(User);
        if (user is null || !await users.IsInRoleAsync(user, PlatformRoles.Clinician))
        {
            return Forbid();
        }
        var query = QueryHelpers.ParseQuery(returnUrl[OidcServerSetup.AuthorizePath.Length..]);
        foreach (var (name, values) in query)
        {
            if (name == SmartLaunch.PatientField)
            {
                continue;
            }
            foreach (var value in values)
            {
                Parameters.Add((name, value ?? ""));
            }
        }
        var clientId = query.TryGetValue(OpenIddictConstants.Parameters.ClientId, out var id) ? id.ToString() : "";
        if (await applications.FindByClientIdAsync(clientId, cancellationToken) is not { } application)
        {
            return BadRequest();
        }
        ClientName = await applications.GetLocalizedDisplayNameAsync(application, cancellationToken) ?? clientId;
        foreach (var patient in await consented.ListAsync(user.Id, cancellationToken))
        {
            // The consent service knows pseudonymous ids only; the name shown is the account's own display name.
            var account = await users.FindByIdAsync(patient);
            Patients.Add((patient, account?.DisplayName ?? account?.UserName ?? patient));
        }
        return Page();
    }
}
