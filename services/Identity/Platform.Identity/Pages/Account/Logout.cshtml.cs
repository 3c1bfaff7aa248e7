using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.WebUtilities;
using Platform.Identity.Accounts;
using Platform.Identity.Oidc;
using Platform.Identity.Sessions;

namespace Platform.Identity.Pages.Account;

/// <summary>
/// Asks before signing out. When a client started the logout (end-session without an id_token_hint, or with one
/// naming another account than the signed-in one) the form posts back to the end-session endpoint with the
/// client's parameters, so OpenIddict can redirect it. Signing out ends the server-side session and revokes the
/// tokens its flows obtained.
/// </summary>
public sealed class LogoutModel(SignInManager<PlatformUser> signIn, SignInSessions sessions) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    /// <summary>Set by the end-session endpoint when the client's id_token_hint names another account.</summary>
    [BindProperty(SupportsGet = true)]
    public bool OtherAccount { get; set; }

    public bool SignedOut { get; private set; }

    public string? SignedInAs { get; private set; }

    public string FormAction { get; private set; } = "/account/logout";

    public List<(string Name, string Value)> Parameters { get; } = [];

    public void OnGet()
    {
        SignedInAs = User.Identity?.IsAuthenticated == true ? User.Identity.Name : null;
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

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var current = await HttpContext.AuthenticateAsync(IdentityConstants.ApplicationScheme);
        if (SignInSessions.IdOf(current.Properties) is { } sessionId && current.Succeeded)
        {
            await sessions.EndAsync(sessionId, SessionEndReasons.Logout, revokeTokens: true, cancellationToken);
        }
        await signIn.SignOutAsync();
        SignedOut = true;
        return Page();
    }
}
