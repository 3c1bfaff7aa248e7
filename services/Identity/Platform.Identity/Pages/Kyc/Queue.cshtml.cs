using Microsoft.AspNetCore.Mvc.RazorPages;
using Platform.Identity.Kyc;

namespace Platform.Identity.Pages.Kyc;

/// <summary>The reviewer console's queue: cases the automated checks sent to a human, oldest first.</summary>
public sealed class QueueModel(KycService kyc) : PageModel
{
    public List<KycCaseView> Cases { get; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken) =>
        Cases.AddRange((await kyc.ReviewQueueAsync(cancellationToken)).Select(KycCaseView.From));
}
