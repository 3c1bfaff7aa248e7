using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using Platform.Identity.Accounts;
using Platform.ServiceDefaults;

namespace Platform.Identity.Pages.Account;

/// <summary>Password sign-in. Wrong passwords count towards lockout; the page is rate-limited per client address.</summary>
[EnableRateLimiting(RateLimitPolicies.Sensitive)]
public sealed class LoginModel(SignInManager<PlatformUser> signIn) : PageModel
{
    [BindProperty]
    [Required, EmailAddress, StringLength(256)]
    public string Email { get; set; } = "";

    [BindProperty]
    [Required, StringLength(256)]
    public string Password { get; set; } = "";

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public string? ErrorMessage { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (!ModelState.IsValid)
        {
            ErrorMessage = "Enter your e-mail address and password.";
            return Page();
        }
        var result = await signIn.PasswordSignInAsync(Email, Password, isPersistent: false, lockoutOnFailure: true);
        if (result.RequiresTwoFactor)
        {
            return LocalRedirect("/account/login-2fa?returnUrl=" + Uri.EscapeDataString(SafeReturnUrl(ReturnUrl)));
        }
        if (result.Succeeded)
        {
            return LocalRedirect(SafeReturnUrl(ReturnUrl));
        }
        Response.StatusCode = StatusCodes.Status400BadRequest;
        ErrorMessage = result.IsLockedOut
            ? "This account is locked after too many failed attempts. Try again later."
            : result.IsNotAllowed
                ? "Confirm your e-mail address first: follow the link we sent you."
                : "The e-mail address or password is not correct.";
        return Page();
    }

    /// <summary>Only local paths a Location header can carry (<see cref="ReturnUrls"/>); anything else goes to /account.</summary>
    public static string SafeReturnUrl(string? returnUrl) => ReturnUrls.SafeLocal(returnUrl);
}
