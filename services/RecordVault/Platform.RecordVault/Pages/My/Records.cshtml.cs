using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using Platform.Contracts.CodeLists;
using Platform.RecordVault.Core;
using Platform.RecordVault.Pages.Portal;
using Platform.RecordVault.Records;
using Platform.RecordVault.Text;
using Platform.ServiceDefaults;

namespace Platform.RecordVault.Pages.My;

/// <summary>
/// The patient's records grouped by category, rendered for people; and the form to upload a document. An upload that
/// worked redirects to the page (Post/Redirect/Get), the message and the new record's id in TempData, so a reload
/// does not upload the document again; a refused one answers in place, with its status and the reason at the field.
/// </summary>
public sealed class RecordsModel(PatientRecordReader reader, RecordStore store, IOptions<RecordVaultOptions> options, IStringLocalizer<PatientPortalText> text) : PortalPageModel
{
    public IReadOnlyList<IGrouping<string, PortalRecord>> Categories { get; private set; } = [];

    public IReadOnlyList<PortalRecord> Erased { get; private set; } = [];

    /// <summary>What the last upload did, shown once on the page it redirected to.</summary>
    [TempData]
    public string? Message { get; set; }

    /// <summary>Set after an upload: the new record, linked from the message.</summary>
    [TempData]
    public Guid? Uploaded { get; set; }

    public async Task OnGetAsync(CancellationToken cancellationToken) => await LoadAsync(cancellationToken);

    /// <summary>
    /// A document upload: the same checks as <c>POST /patients/{patient}/records</c> with an attachment (allowed type,
    /// its size limit, the content's signature), then the store's create, which decides and audits it.
    /// </summary>
    public async Task<IActionResult> OnPostUploadAsync(IFormFile? document, string? category, CancellationToken cancellationToken)
    {
        try
        {
            if (document is null || document.Length == 0)
            {
                throw ProblemException.Unprocessable(text["ErrorNoFile"], "no_file");
            }
            if (category is null || !RecordCategories.IsKnown(category))
            {
                throw ProblemException.Unprocessable(text["ErrorNoCategory"], "unknown_category");
            }
            if (!BinaryContentTypes.TryGet(document.ContentType, out var type))
            {
                throw new ProblemException(StatusCodes.Status415UnsupportedMediaType, "Unsupported content type.",
                    text["ErrorUnsupportedType", string.Join(", ", BinaryContentTypes.All.Select(t => t.Description))], "unsupported_content_type");
            }
            if (document.Length > Math.Min(type!.MaxBytes, options.Value.MaxAttachmentBytes))
            {
                throw new ProblemException(StatusCodes.Status413PayloadTooLarge, "Too large.", text["ErrorTooLarge", type.Description], "too_large");
            }
            await using var body = document.OpenReadStream();
            var content = await AttachmentContent.CheckedAsync(body, type, cancellationToken);
            var (record, _) = await store.CreateAsync(Caller, Patient, new RecordPayload(RecordPayload.Binary, type.MediaType, null, category, content), cancellationToken);
            Uploaded = record.Id;
            Message = text["MessageUploaded"];
            return RedirectToPage();
        }
        catch (ProblemException problem)
        {
            Show(problem);
        }
        await LoadAsync(cancellationToken);
        return Page();
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        var records = await reader.ListAsync(Caller, cancellationToken);
        var order = RecordCategories.All.Select((c, i) => (c.Code, i)).ToDictionary(p => p.Code, p => p.i, StringComparer.Ordinal);
        Categories = records.Where(r => !r.IsErased).GroupBy(r => r.Record.Category, StringComparer.Ordinal)
            .OrderBy(g => order.GetValueOrDefault(g.Key, int.MaxValue)).ToList();
        Erased = records.Where(r => r.IsErased).ToList();
    }
}
