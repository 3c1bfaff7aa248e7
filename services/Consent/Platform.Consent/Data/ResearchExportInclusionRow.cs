namespace Platform.Consent.Data;

/// <summary>
/// One opt-in's participant was released in one research export (the record vault's
/// <see cref="Contracts.Events.ResearchExportIncludedV1"/>, sent once the manifest is on the ledger): what
/// <c>/my/research</c> shows the patient. Keyed by consent id, so a patient reaches only their own rows; nothing here
/// lists or counts the export's other participants.
/// </summary>
public sealed class ResearchExportInclusionRow
{
    public Guid ExportId { get; set; }

    public Guid ConsentId { get; set; }

    public Guid StudyId { get; set; }

    public long ExportedAtMs { get; set; }

    /// <summary>Lowercase hex SHA-256 of the export's manifest, as the ledger entry carries it.</summary>
    public string ManifestHash { get; set; } = "";

    /// <summary>The ledger entry holding the manifest's hash.</summary>
    public long LeafIndex { get; set; }
}
