using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Localization;
using Platform.Identity.Accounts;
using Platform.Identity.Text;
using Platform.ServiceDefaults;

namespace Platform.Identity.Pages.Account;

/// <summary>The TOTP challenge after a correct password; wrong codes count towards lockout.</summary>
[EnableRateLimiting(RateLimitPolicies.Sensitive)]
public sealed class LoginTwoFactorModel(SignInManager<PlatformUser> signIn, IStringLocalizer<IdentityText> text) : PageModel
{
    [BindProperty]
    [Required(ErrorMessage = "ValidationCodeRequired"), StringLength(7, MinimumLength = 6, ErrorMessage = "ValidationCodeRequired")]
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
            ErrorMessage = result.IsLockedOut ? text["TwoFactorLockedOut"] : text["TwoFactorInvalid"];
        }
        else
        {
            ErrorMessage = text["ValidationCodeRequired"];
        }
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return Page();
    }
}
