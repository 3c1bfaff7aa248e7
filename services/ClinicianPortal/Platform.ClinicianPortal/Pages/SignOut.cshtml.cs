using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Platform.ClinicianPortal.SignIn;

namespace Platform.ClinicianPortal.Pages;

/// <summary>Sign out: a form (with its antiforgery token), so no link or image elsewhere can sign a clinician out.</summary>
public sealed class SignOutModel : PageModel
{
    public void OnGet()
    {
    }

    /// <summary>Forgets the server-side session and ends the sign-in at the identity service.</summary>
    public IActionResult OnPost() =>
        SignOut(new AuthenticationProperties { RedirectUri = "/signed-out" }, PortalSignIn.CookieScheme, PortalSignIn.OidcScheme);
}
