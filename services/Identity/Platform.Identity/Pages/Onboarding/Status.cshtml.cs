using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using Platform.Identity.Accounts;
using Platform.Identity.Kyc;
using Platform.Identity.Text;
using Platform.Identity.Verification;

namespace Platform.Identity.Pages.Onboarding;

/// <summary>/kyc/status: the applicant's latest case in plain words: where it is, each check, the decision and what comes next.</summary>
public sealed class StatusModel(UserManager<PlatformUser> users, IStringLocalizer<IdentityText> text) : ApplicantPage(users, text)
{
    public KycCaseView? Case { get; private set; }

    public bool ResubmissionAllowed { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        var kycCase = await Kyc.LatestForOwnerAsync(OwnerId, cancellationToken);
        if (kycCase is null)
        {
            return RedirectToPage("Start");
        }
        Case = KycCaseView.From(kycCase);
        ResubmissionAllowed = kycCase.Rejection?.ResubmissionAllowed ?? false;
        return Page();
    }
}
