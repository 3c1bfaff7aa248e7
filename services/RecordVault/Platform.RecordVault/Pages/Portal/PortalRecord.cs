using Platform.Contracts.CodeLists;
using Platform.RecordVault.Data;
using Platform.RecordVault.Text;

namespace Platform.RecordVault.Pages.Portal;

/// <summary>One of the patient's records as the portal lists it: its metadata, and for a FHIR record what it says.</summary>
public sealed record PortalRecord(RecordRow Record, RecordSummary? Summary)
{
    public bool IsErased => Record.ErasedAtMs is not null;

    public bool IsDocument => Record.Kind == Records.RecordPayload.Binary;

    public string Title => Summary?.Title ?? (IsDocument ? PatientPortalText.Get("DocumentOfKind", DocumentKind(Record.ContentType)) : Record.ResourceType ?? PatientPortalText.Get("RecordTitle"));

    /// <remarks>In the page's language (the shared vocabulary's words); a code outside the list as written.</remarks>
    public static string CategoryName(string code) => Platform.WebUi.Text.VocabularyText.Category(code);

    public static string DocumentKind(string contentType) =>
        Core.BinaryContentTypes.TryGet(contentType, out var type) ? type!.Description : contentType;
}
