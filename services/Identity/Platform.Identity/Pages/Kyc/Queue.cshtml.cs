using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Platform.Identity.Kyc;
using Platform.Identity.Verification;

namespace Platform.Identity.Pages.Kyc;

/// <summary>The reviewer console's queue: cases the automated checks sent to a human, oldest first.</summary>
// Decrypted identity evidence and the queue of who is being checked: never kept by a browser or proxy cache.
[ResponseCache(NoStore = true, Location = ResponseCacheLocation.None)]
public sealed class QueueModel(KycService kyc) : PageModel
{
    public List<KycCaseView> Cases { get; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken) =>
        Cases.AddRange((await kyc.ReviewQueueAsync(cancellationToken)).Select(KycCaseView.From));
}
