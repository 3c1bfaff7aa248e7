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
using Platform.WebUi;

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

    /// <summary>Said once after a decision, on the page the decision redirected to.</summary>
    [TempData]
    public string? Message { get; set; }

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
            // Refused: the form answers in place, with the reason and the refusal's status.
            Error = PageProblems.Say(text, problem);
            Response.StatusCode = problem.StatusCode;
            await LoadAsync(id, cancellationToken);
            return Page();
        }
        // Post/Redirect/Get: a reload of the case shows the decision, it does not send it again.
        Message = text["ReviewDecided"];
        return new SeeOtherResult($"/kyc/review/case/{id:D}");
    }

    private async Task LoadAsync(Guid id, CancellationToken cancellationToken)
    {
        Case = KycCaseView.From(await kyc.GetAsync(id, cancellationToken));
        foreach (var (row, content) in await kyc.OpenEvidenceAsync(id, cancellationToken))
        {
            Evidence.Add(row.ContentType == "application/json"
                ? ReadApplication(row.Kind, row.ContentType, content)
                : new EvidenceItem(row.Kind, row.ContentType, [], [], Convert.ToBase64String(content)));
        }
        LogOpened(logger, users.GetUserId(User)!, id, Evidence.Count);
    }

    /// <summary>
    /// The applicant's JSON as people read it: each value under its form label, and the MRZ as its lines, with the
    /// <c>&lt;</c> fillers as typed. Values are plain strings here; the page HTML-encodes them as any text (serialising
    /// the JSON again would show <c>\u003C</c> for each filler, the serialiser's escape for HTML).
    /// </summary>
    private EvidenceItem ReadApplication(string kind, string contentType, byte[] content)
    {
        var fields = new List<EvidenceField>();
        var mrz = new List<string>();
        using var json = JsonDocument.Parse(content);
        void Read(JsonElement element)
        {
            foreach (var property in element.EnumerateObject())
            {
                if (property.Value.ValueKind == JsonValueKind.Object)
                {
                    Read(property.Value);
                }
                else if (property.NameEquals("mrz") && property.Value.ValueKind == JsonValueKind.String)
                {
                    mrz.AddRange(property.Value.GetString()!.Split('\n').Select(line => line.TrimEnd('\r')));
                }
                else if (property.NameEquals("FullName"))
                {
                    // Derived from the given and family names shown above (KycFormData.FullName, serialised with them).
                }
                else if (property.Value.ValueKind != JsonValueKind.Null)
                {
                    fields.Add(new EvidenceField(Label(property.Name), property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString()! : property.Value.GetRawText()));
                }
            }
        }
        if (json.RootElement.ValueKind == JsonValueKind.Object)
        {
            Read(json.RootElement);
        }
        return new EvidenceItem(kind, contentType, fields, mrz, null);
    }

    /// <summary>A field's label on the application form (<c>LabelGivenNames</c> for <c>GivenNames</c>), or its name when the form has none.</summary>
    private string Label(string property)
    {
        var name = char.ToUpperInvariant(property[0]) + property[1..];
        var label = text["Label" + name];
        return label.ResourceNotFound ? property : label.Value;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reviewer {Reviewer} opened the evidence of KYC case {CaseId} ({Items} items) in the console")]
    private static partial void LogOpened(ILogger logger, string reviewer, Guid caseId, int items);
}

/// <summary>One piece of evidence: an application's fields and MRZ lines, or an image (base64).</summary>
public sealed record EvidenceItem(string Kind, string ContentType, IReadOnlyList<EvidenceField> Fields, IReadOnlyList<string> MrzLines, string? Base64);

/// <summary>One value of an application, under the label the form gave it.</summary>
public sealed record EvidenceField(string Label, string Value);
