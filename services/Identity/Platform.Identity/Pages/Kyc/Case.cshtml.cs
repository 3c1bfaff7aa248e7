using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Platform.Identity.Accounts;
using Platform.Identity.Kyc;
using Platform.Identity.Text;
using Platform.Identity.Verification;
using Platform.ServiceDefaults;

namespace Platform.Identity.Pages.Kyc;

/// <summary>
/// One case for a reviewer: checks, the evidence decrypted for them (each opening logged with the reviewer's id),
/// and the decision form. The workflow refuses a reviewer's decision on their own case and a stale version.
/// </summary>
// Decrypted identity evidence and the queue of who is being checked: never kept by a browser or proxy cache.
[ResponseCache(NoStore = true, Location = ResponseCacheLocation.None)]
public sealed partial class CaseModel(KycService kyc, UserManager<PlatformUser> users, ILogger<CaseModel> logger, IStringLocalizer<IdentityText> text) : PageModel
{
    public KycCaseView? Case { get; private set; }

    public List<EvidenceItem> Evidence { get; } = [];

    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken cancellationToken)
    {
        await LoadAsync(id, cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(Guid id, string? decision, string? reason, int? version, CancellationToken cancellationToken)
    {
        try
        {
            await kyc.DecideAsync(id, users.GetUserId(User)!, new KycDecisionRequest(null, version, decision, reason), cancellationToken);
        }
        catch (ProblemException problem)
        {
            Error = PageProblems.Say(text, problem);
            Response.StatusCode = problem.StatusCode;
        }
        await LoadAsync(id, cancellationToken);
        return Page();
    }

    private async Task LoadAsync(Guid id, CancellationToken cancellationToken)
    {
        Case = KycCaseView.From(await kyc.GetAsync(id, cancellationToken));
        foreach (var (row, content) in await kyc.OpenEvidenceAsync(id, cancellationToken))
        {
            Evidence.Add(row.ContentType == "application/json"
                ? new EvidenceItem(row.Kind, row.ContentType, JsonSerializer.Serialize(JsonDocument.Parse(content).RootElement, Indented), null)
                : new EvidenceItem(row.Kind, row.ContentType, null, Convert.ToBase64String(content)));
        }
        LogOpened(logger, users.GetUserId(User)!, id, Evidence.Count);
    }

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reviewer {Reviewer} opened the evidence of KYC case {CaseId} ({Items} items) in the console")]
    private static partial void LogOpened(ILogger logger, string reviewer, Guid caseId, int items);
}

public sealed record EvidenceItem(string Kind, string ContentType, string? Text, string? Base64);
