using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using Platform.Identity.Accounts;
using Platform.Identity.Kyc;
using Platform.Identity.Text;
using Platform.Identity.Verification;

namespace Platform.Identity.Pages.Onboarding;

/// <summary>/kyc: what verifying one's identity involves, and the button that opens a case (or the way back to an open one).</summary>
public sealed class StartModel(UserManager<PlatformUser> users, IStringLocalizer<IdentityText> text) : ApplicantPage(users, text)
{
    public KycCase? Case { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken) => Case = await Kyc.LatestForOwnerAsync(OwnerId, cancellationToken);

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        // Opens a case, or returns the one still open: pressing Start twice never makes two.
        await Kyc.StartAsync(OwnerId, cancellationToken);
        return RedirectToPage("Application");
    }
}
