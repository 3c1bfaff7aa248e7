using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using Platform.Identity.Accounts;
using Platform.ServiceDefaults;

namespace Platform.Identity.Pages.Account;

/// <summary>The TOTP challenge after a correct password; wrong codes count towards lockout.</summary>
[EnableRateLimiting(RateLimitPolicies.Sensitive)]
public sealed class LoginTwoFactorModel(SignInManager<PlatformUser> signIn) : PageModel
{
    [BindProperty]
    [Required, StringLength(7, MinimumLength = 6)]
    public string Code { get; set; } = "";

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public string? ErrorMessage { get; private set; }

    public async Task<IActionResult> OnGetAsync() =>
        await signIn.GetTwoFactorAuthenticationUserAsync() is null ? RedirectToPage("Login", new { ReturnUrl }) : Page();

    public async Task<IActionResult> OnPostAsync()
    {
        if (await signIn.GetTwoFactorAuthenticationUserAsync() is null)
        {
            return RedirectToPage("Login", new { ReturnUrl });
        }
        if (ModelState.IsValid)
        {
            var result = await signIn.TwoFactorAuthenticatorSignInAsync(Code.Replace(" ", "", StringComparison.Ordinal), isPersistent: false, rememberClient: false);
            if (result.Succeeded)
            {
                return LocalRedirect(LoginModel.SafeReturnUrl(ReturnUrl));
            }
            ErrorMessage = result.IsLockedOut ? "This account is locked after too many failed attempts. Try again later." : "That code is not valid. Wait for the next code and try again.";
        }
        else
        {
            ErrorMessage = "Enter the 6-digit code.";
        }
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return Page();
    }
}
