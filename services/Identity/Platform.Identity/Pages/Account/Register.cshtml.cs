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

/// <summary>Self-registration for patients and clinicians; a clinician account stays inactive until an admin activates it.</summary>
[EnableRateLimiting(RateLimitPolicies.Sensitive)]
public sealed class RegisterModel(UserManager<PlatformUser> users, AccountEmails emails, IStringLocalizer<IdentityText> text) : PageModel
{
    [BindProperty, Required(ErrorMessage = "ValidationNameRequired"), StringLength(200, MinimumLength = 1, ErrorMessage = "ValidationNameTooLong")]
    public string DisplayName { get; set; } = "";

    [BindProperty, Required(ErrorMessage = "ValidationEmailRequired"), EmailAddress(ErrorMessage = "ValidationEmailInvalid"), StringLength(256, ErrorMessage = "ValidationEmailInvalid")]
    public string Email { get; set; } = "";

    [BindProperty, Required(ErrorMessage = "ValidationPasswordRequired"), StringLength(256, ErrorMessage = "ValidationPasswordTooLong")]
    public string Password { get; set; } = "";

    [BindProperty, Required(ErrorMessage = "ValidationAccountType"), RegularExpression("^(patient|clinician)$", ErrorMessage = "ValidationAccountType")]
    public string AccountType { get; set; } = PlatformRoles.Patient;

    [BindProperty, StringLength(64, ErrorMessage = "ValidationLicenceInvalid"), RegularExpression("^[A-Za-z0-9/-]{3,64}$", ErrorMessage = "ValidationLicenceInvalid")]
    public string? LicenceNumber { get; set; }

    public List<string> Errors { get; } = [];

    public bool Registered { get; private set; }

    public bool AwaitingActivation { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (AccountType == PlatformRoles.Clinician && string.IsNullOrWhiteSpace(LicenceNumber))
        {
            ModelState.AddModelError(nameof(LicenceNumber), text["RegisterLicenceRequired"]);
        }
        if (!ModelState.IsValid)
        {
            Errors.AddRange(ModelState.Values.SelectMany(v => v.Errors).Select(e => e.ErrorMessage));
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        var user = new PlatformUser
        {
            UserName = Email,
            Email = Email,
            DisplayName = DisplayName,
            LicenceNumber = AccountType == PlatformRoles.Clinician ? LicenceNumber : null,
        };
        var created = await users.CreateAsync(user, Password);
        if (!created.Succeeded && created.Errors.All(e => e.Code is "DuplicateEmail" or "DuplicateUserName"))
        {
            // A taken address gets the very answer a new one gets ("check your e-mail"), so the page tells nobody who
            // has an account; the owner hears of the attempt by e-mail instead.
            if (await users.FindByEmailAsync(Email) is { } owner)
            {
                await emails.SendRegistrationAttemptAsync(owner, Request, cancellationToken);
            }
        }
        else if (!created.Succeeded)
        {
            Errors.AddRange(created.Errors.Where(e => e.Code is not ("DuplicateEmail" or "DuplicateUserName")).Select(Say).Distinct());
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        else
        {
            await users.AddToRoleAsync(user, AccountType);
            await emails.SendConfirmationAsync(user, Request, cancellationToken);
        }
        Registered = true;
        AwaitingActivation = AccountType == PlatformRoles.Clinician;
        return Page();
    }

    /// <summary>ASP.NET Core Identity's refusal in the page's language (its own descriptions are English only).</summary>
    private string Say(IdentityError error) => error.Code switch
    {
        nameof(IdentityErrorDescriber.PasswordTooShort) => text["RegisterPasswordTooShort", users.Options.Password.RequiredLength],
        nameof(IdentityErrorDescriber.PasswordRequiresUniqueChars) => text["RegisterPasswordUniqueChars", users.Options.Password.RequiredUniqueChars],
        nameof(IdentityErrorDescriber.InvalidEmail) or nameof(IdentityErrorDescriber.InvalidUserName) => text["ValidationEmailInvalid"],
        _ => text["RegisterNotCreated", error.Code],
    };
}
