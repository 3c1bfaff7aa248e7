using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Localization;
using Platform.Identity.Accounts;
using Platform.Identity.Text;
using Platform.ServiceDefaults;

namespace Platform.Identity.Pages.Account;

/// <summary>
/// Password sign-in. Every failure reads the same, whether the account is unknown, the password wrong, the account
/// locked or its address unconfirmed (that is said only to whoever gives the right password), so the page is no
/// oracle for who has an account. Wrong passwords never lock an account; they slow the source that sends them
/// (<see cref="SignInThrottle"/>). The page is also rate-limited per client address.
/// </summary>
[EnableRateLimiting(RateLimitPolicies.Sensitive)]
public sealed class LoginModel(SignInManager<PlatformUser> signIn, SignInThrottle throttle, IStringLocalizer<IdentityText> text) : PageModel
{
    /// <summary>The one answer to every failed sign-in (its key in IdentityText).</summary>
    public const string NotSignedIn = "LoginNotSignedIn";

    [BindProperty]
    [Required(ErrorMessage = "ValidationEmailRequired"), EmailAddress(ErrorMessage = "ValidationEmailInvalid"), StringLength(256, ErrorMessage = "ValidationEmailInvalid")]
    public string Email { get; set; } = "";

    [BindProperty]
    [Required(ErrorMessage = "ValidationPasswordRequired"), StringLength(256, ErrorMessage = "ValidationPasswordTooLong")]
    public string Password { get; set; } = "";

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public string? ErrorMessage { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (!ModelState.IsValid)
        {
            ErrorMessage = text["LoginEnterEmailAndPassword"];
            return Page();
        }
        var source = HttpContext.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        var wait = await throttle.WaitAsync(Email, source, cancellationToken);
        if (wait > TimeSpan.Zero)
        {
            // Not even checked: a throttled guess costs the guesser time, not the account its availability.
            var seconds = (int)Math.Ceiling(wait.TotalSeconds);
            Response.StatusCode = StatusCodes.Status429TooManyRequests;
            Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            ErrorMessage = text["LoginTooManyAttempts", seconds];
            return Page();
        }

        var account = await signIn.UserManager.FindByNameAsync(Email);
        if (account is null)
        {
            // As slow as checking a real password, so the answer's timing does not tell unknown accounts apart either.
            signIn.UserManager.PasswordHasher.VerifyHashedPassword(new PlatformUser(), UnknownAccountHash(signIn.UserManager), Password);
        }
        var result = account is null
            ? Microsoft.AspNetCore.Identity.SignInResult.Failed
            : await signIn.PasswordSignInAsync(account, Password, isPersistent: false, lockoutOnFailure: false);
        if (result.Succeeded || result.RequiresTwoFactor)
        {
            await throttle.SucceededAsync(Email, source, cancellationToken);
            return result.RequiresTwoFactor
                ? LocalRedirect("/account/login-2fa?returnUrl=" + Uri.EscapeDataString(SafeReturnUrl(ReturnUrl)))
                : LocalRedirect(SafeReturnUrl(ReturnUrl));
        }
        Response.StatusCode = StatusCodes.Status400BadRequest;
        // Identity answers NotAllowed (unconfirmed address) before it looks at the password; say so only to the owner.
        if (result.IsNotAllowed && await signIn.UserManager.CheckPasswordAsync(account!, Password))
        {
            ErrorMessage = text["LoginConfirmEmailFirst"];
            return Page();
        }
        await throttle.FailedAsync(Email, source, cancellationToken);
        ErrorMessage = text[NotSignedIn];
        return Page();
    }

    private static string? _unknownAccountHash;

    private static string UnknownAccountHash(UserManager<PlatformUser> users) =>
        _unknownAccountHash ??= users.PasswordHasher.HashPassword(new PlatformUser(), Guid.NewGuid().ToString());

    /// <summary>Only local paths a Location header can carry (<see cref="ReturnUrls"/>); anything else goes to /account.</summary>
    public static string SafeReturnUrl(string? returnUrl) => ReturnUrls.SafeLocal(returnUrl);
}
