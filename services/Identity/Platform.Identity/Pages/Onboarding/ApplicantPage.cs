using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Localization;
using Platform.Identity.Accounts;
using Platform.Identity.Kyc;
using Platform.Identity.Text;
using Platform.Identity.Verification;

namespace Platform.Identity.Pages.Onboarding;

/// <summary>
/// What the applicant's pages share: the signed-in account (the case owner, as the API's token subject) and the
/// KYC service, called directly. With KYC switched off (no fingerprint key) the pages do not exist: 404, as the API.
/// </summary>
// Identity evidence and its outcome: never kept by a browser or proxy cache.
[ResponseCache(NoStore = true, Location = ResponseCacheLocation.None)]
public abstract class ApplicantPage(UserManager<PlatformUser> users, IStringLocalizer<IdentityText> text) : PageModel
{
    /// <summary>The page's words, in the request's language.</summary>
    protected IStringLocalizer<IdentityText> Text { get; } = text;

    protected KycService Kyc { get; private set; } = null!;

    protected string OwnerId => users.GetUserId(User) ?? throw new InvalidOperationException("The onboarding pages need a signed-in account.");

    public override async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        if (context.HttpContext.RequestServices.GetService<KycService>() is not { } kyc)
        {
            context.Result = NotFound();
            return;
        }
        Kyc = kyc;
        await next();
    }
}
