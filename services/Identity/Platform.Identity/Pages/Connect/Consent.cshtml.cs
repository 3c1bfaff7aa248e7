using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Localization;
using OpenIddict.Abstractions;
using Platform.Identity.Oidc;
using Platform.Identity.Text;

namespace Platform.Identity.Pages.Connect;

/// <summary>
/// The OAuth consent screen for third-party clients. The form posts the original authorization request back to
/// the authorization endpoint, which records the user's answer (antiforgery-checked there).
/// </summary>
[Authorize]
public sealed class ConsentModel(IOpenIddictApplicationManager applications, IStringLocalizer<IdentityText> text) : PageModel
{
    /// <summary>What each scope lets the application do, as the person reads it: its key in IdentityText. Other scopes (SMART's) are shown by name.</summary>
    public static readonly IReadOnlyDictionary<string, string> ScopeTextKeys = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [OpenIddictConstants.Scopes.OpenId] = "ScopeOpenId",
        [OpenIddictConstants.Scopes.Profile] = "ScopeProfile",
        [OpenIddictConstants.Scopes.Email] = "ScopeEmail",
        [OpenIddictConstants.Scopes.Roles] = "ScopeRoles",
        [OpenIddictConstants.Scopes.OfflineAccess] = "ScopeOfflineAccess",
        [OidcScopes.ConsentManage] = "ScopeConsentManage",
        [OidcScopes.ConsentDecide] = "ScopeConsentDecide",
        [OidcScopes.Records] = "ScopeRecords",
        [OidcScopes.LedgerSubmit] = "ScopeLedgerSubmit",
        [OidcScopes.LedgerAudit] = "ScopeLedgerAudit",
        [OidcScopes.IdentityAdmin] = "ScopeIdentityAdmin",
        [OidcScopes.Kyc] = "ScopeKyc",
        [OidcScopes.VerifiedClaims] = "ScopeVerifiedClaims",
    };

    public string ClientName { get; private set; } = "";

    public List<string> Scopes { get; } = [];

    public List<(string Name, string Value)> Parameters { get; } = [];

    public async Task<IActionResult> OnGetAsync(string? returnUrl)
    {
        if (returnUrl is null || !returnUrl.StartsWith(OidcServerSetup.AuthorizePath + "?", StringComparison.Ordinal))
        {
            return BadRequest();
        }
        var query = QueryHelpers.ParseQuery(returnUrl[OidcServerSetup.AuthorizePath.Length..]);
        foreach (var (name, values) in query)
        {
            foreach (var value in values)
            {
                Parameters.Add((name, value ?? ""));
            }
        }
        var clientId = query.TryGetValue(OpenIddictConstants.Parameters.ClientId, out var id) ? id.ToString() : "";
        var application = await applications.FindByClientIdAsync(clientId);
        if (application is null)
        {
            return BadRequest();
        }
        ClientName = await applications.GetLocalizedDisplayNameAsync(application) ?? clientId;
        var requested = query.TryGetValue(OpenIddictConstants.Parameters.Scope, out var scope) ? scope.ToString() : "";
        foreach (var name in requested.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            Scopes.Add(ScopeTextKeys.TryGetValue(name, out var key) ? text[key] : name);
        }
        // OpenID4VCI (§5.1.1): a wallet asks for the credential with authorization_details, already checked by the authorization endpoint.
        if (query.TryGetValue(Vci.CredentialAuthorizationDetails.Parameter, out var details)
            && Vci.CredentialAuthorizationDetails.Parse(details.ToString()) is { Error: null, ConfigurationIds.Count: > 0 })
        {
            Scopes.Add(text["ConsentCredential"]);
        }
        if (Scopes.Count == 0)
        {
            Scopes.Add(text["ScopePushedRequest"]);
        }
        return Page();
    }
}
