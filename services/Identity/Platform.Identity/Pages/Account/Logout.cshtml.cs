using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.WebUtilities;
using Platform.Identity.Accounts;
using Platform.Identity.Oidc;

namespace Platform.Identity.Pages.Account;

/// <summary>
/// Asks before signing out. When a client started the logout (end-session without an id_token_hint) the form
/// posts back to the end-session endpoint with the client's parameters, so OpenIddict can redirect it.
/// </summary>
public sealed class LogoutModel(SignInManager<PlatformUser> signIn) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public bool SignedOut { get; private set; }

    public string FormAction { get; private set; } = "/account/logout";

    public List<(string Name, string Value)> Parameters { get; } = [];

    public void OnGet()
    {
        var safe = LoginModel.SafeReturnUrl(ReturnUrl);
        if (safe.StartsWith(OidcServerSetup.EndSessionPath + "?", StringComparison.Ordinal) || safe == OidcServerSetup.EndSessionPath)
        {
            FormAction = OidcServerSetup.EndSessionPath;
            var query = safe.Length > OidcServerSetup.EndSessionPath.Length ? QueryHelpers.ParseQuery(safe[(OidcServerSetup.EndSessionPath.Length)..]) : [];
            foreach (var (name, values) in query)
            {
                foreach (var value in values)
                {
                    Parameters.Add((name, value ?? ""));
                }
            }
        }
    }

    public async Task<IActionResult> OnPostAsync()
    {
        await signIn.SignOutAsync();
        SignedOut = true;
        return Page();
    }
}
