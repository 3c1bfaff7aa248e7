using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.WebUtilities;
using OpenIddict.Abstractions;
using Platform.Identity.Oidc;

namespace Platform.Identity.Pages.Connect;

/// <summary>
/// The OAuth consent screen for third-party clients. The form posts the original authorization request back to
/// the authorization endpoint, which records the user's answer (antiforgery-checked there).
/// </summary>
[Authorize]
public sealed class ConsentModel(IOpenIddictApplicationManager applications) : PageModel
{
    private static readonly Dictionary<string, string> StandardScopes = new(StringComparer.Ordinal)
    {
        [OpenIddictConstants.Scopes.OpenId] = "Know who you are",
        [OpenIddictConstants.Scopes.Profile] = "See your name",
        [OpenIddictConstants.Scopes.Email] = "See your e-mail address",
        [OpenIddictConstants.Scopes.Roles] = "See your roles and licence",
        [OpenIddictConstants.Scopes.OfflineAccess] = "Stay connected when you are not using it",
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
            Scopes.Add(StandardScopes.TryGetValue(name, out var text) ? text
                : OidcScopes.Api.TryGetValue(name, out var api) ? api.Description : name);
        }
        if (Scopes.Count == 0)
        {
            Scopes.Add("Sign you in (pushed request)");
        }
        return Page();
    }
}
