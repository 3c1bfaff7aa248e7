using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Platform.RecordVault.Data;
using Platform.RecordVault.Fhir;
using Platform.RecordVault.Pages.Portal;
using Platform.RecordVault.Records;
using Platform.ServiceDefaults;

namespace Platform.RecordVault.Pages.My;

/// <summary>One record: what it says (or its document), and its versions, each of which the patient can open.</summary>
public sealed class RecordModel(PatientRecordReader reader) : PortalPageModel
{
    public RecordRow? Record { get; private set; }

    public RecordVersionRow? Shown { get; private set; }

    public IReadOnlyList<RecordVersionRow> Versions { get; private set; } = [];

    public RecordSummary? Summary { get; private set; }

    /// <summary>The stored FHIR JSON, indented, for whoever wants every detail.</summary>
    public string? Json { get; private set; }

    public bool IsErased => Record?.ErasedAtMs is not null;

    public async Task<IActionResult> OnGetAsync(Guid id, int? version, CancellationToken cancellationToken)
    {
        try
        {
            var (record, shown, content, versions) = await reader.ReadAsync(Caller, id, version, cancellationToken);
            (Record, Shown, Versions) = (record, shown, versions);
            if (record.Kind == RecordPayload.Fhir && FhirContent.Parse(content) is { } resource)
            {
                Summary = RecordSummary.Of(resource);
                Json = System.Text.Json.Nodes.JsonNode.Parse(content)?.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true });
            }
        }
        catch (ProblemException problem) when (problem.StatusCode == StatusCodes.Status410Gone)
        {
            // Erased: the patient sees the tombstone (as the API tells them 410); nobody else learns it existed.
            Record = await reader.TombstoneAsync(Caller, id, cancellationToken);
        }
        return Page();
    }

    /// <summary>The version's content as a download, read (and audited) through the store like <c>GET /records/{id}</c>.</summary>
    public async Task<IActionResult> OnGetDownloadAsync(Guid id, int? version, CancellationToken cancellationToken)
    {
        var (record, shown, content, _) = await reader.ReadAsync(Caller, id, version, cancellationToken);
        Response.Headers.CacheControl = "no-store";
        var name = $"record-{record.Id:N}-v{shown.Version}{Extension(record.ContentType)}";
        return File(content, AttachmentContent.ServedType(record.ContentType), name);
    }

    private static string Extension(string contentType) => contentType switch
    {
        Core.BinaryContentTypes.Pdf => ".pdf",
        Core.BinaryContentTypes.Png => ".png",
        Core.BinaryContentTypes.Jpeg => ".jpg",
        Core.BinaryContentTypes.Dicom => ".dcm",
        Core.BinaryContentTypes.PlainText => ".txt",
        "application/fhir+json" => ".json",
        _ => "",
    };
}
