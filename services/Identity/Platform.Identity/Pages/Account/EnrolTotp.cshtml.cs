using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.DataProtection;
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
/// TOTP enrolment: a fresh secret travels in the form only encrypted and time-limited; it is saved (encrypted)
/// once the user proves their app produces valid codes. The session then counts as multi-factor.
/// </summary>
[Authorize]
[EnableRateLimiting(RateLimitPolicies.Sensitive)]
public sealed class EnrolTotpModel(
    UserManager<PlatformUser> users,
    SignInManager<PlatformUser> signIn,
    TotpSecretProtector secrets,
    IDataProtectionProvider dataProtection,
    TimeProvider time,
    IStringLocalizer<IdentityText> text) : PageModel
{
    private const string Issuer = "Platform";
    private static readonly TimeSpan PendingLifetime = TimeSpan.FromMinutes(15);

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    [BindProperty]
    public string PendingSecret { get; set; } = "";

    [BindProperty]
    [Required(ErrorMessage = "ValidationCodeRequired"), StringLength(7, MinimumLength = 6, ErrorMessage = "ValidationCodeRequired")]
    public string Code { get; set; } = "";

    public string QrCodeSvg { get; private set; } = "";

    public string SecretText { get; private set; } = "";

    public string? ErrorMessage { get; private set; }

    private ITimeLimitedDataProtector Pending => dataProtection.CreateProtector("Platform.Identity.PendingTotp.v1").ToTimeLimitedDataProtector();

    public async Task<IActionResult> OnGetAsync()
    {
        var user = await users.GetUserAsync(User);
        if (user is null)
        {
            return Challenge();
        }
        var secret = Totp.NewSecret();
        PendingSecret = Pending.Protect(Convert.ToBase64String(secret), PendingLifetime);
        Show(user, secret);
        CryptographicOperations.ZeroMemory(secret);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var user = await users.GetUserAsync(User);
        if (user is null)
        {
            return Challenge();
        }
        byte[] secret;
        try
        {
            secret = Convert.FromBase64String(Pending.Unprotect(PendingSecret));
        }
        catch (CryptographicException)
        {
            // Expired or tampered: start again with a new secret.
            return RedirectToPage(new { ReturnUrl });
        }
        var step = ModelState.IsValid ? Totp.Verify(secret, Code.Replace(" ", "", StringComparison.Ordinal), time.GetUtcNow()) : null;
        if (step is null)
        {
            Show(user, secret);
            CryptographicOperations.ZeroMemory(secret);
            ErrorMessage = text["TotpCodeMismatch"];
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        user.ProtectedTotpSecret = secrets.Protect(secret);
        CryptographicOperations.ZeroMemory(secret);
        user.LastTotpTimeStep = step.Value;
        user.TwoFactorEnabled = true;
        var saved = await users.UpdateAsync(user);
        if (!saved.Succeeded)
        {
            ErrorMessage = text["TotpNotSaved"];
            return Page();
        }
        // The code just proved possession of the factor: this session is now a multi-factor one.
        await signIn.SignInWithClaimsAsync(user, isPersistent: false, [new Claim("amr", "mfa")]);
        return LocalRedirect(LoginModel.SafeReturnUrl(ReturnUrl));
    }

    private void Show(PlatformUser user, byte[] secret)
    {
        SecretText = Base32.Encode(secret);
        QrCodeSvg = AuthenticatorQrCode.Svg(AuthenticatorQrCode.Uri(Issuer, user.Email ?? user.Id, SecretText));
    }
}
