namespace Platform.Contracts.Events;

/// <summary>
/// A research export's manifest is on the ledger, and these opt-ins' participants are in it: the record vault tells the
/// consent service, which owns the opt-ins, so that each patient sees the exports that used their data (and only their
/// own line of it). Sent once the ledger committed the manifest event, so every export a patient sees can be proved.
/// </summary>
/// <param name="ExportId">The export's random id.</param>
/// <param name="StudyId">The study exported.</param>
/// <param name="ExportedAtMs">When the export was made (the manifest's <c>exportedAt</c>), Unix milliseconds.</param>
/// <param name="ManifestHash">Lowercase hex SHA-256 of the manifest's bytes, as on the ledger.</param>
/// <param name="LeafIndex">The ledger entry that holds the manifest's hash.</param>
/// <param name="ConsentIds">The opt-ins (consent ids) of the participants released in the export, not those refused or withheld.</param>
[IntegrationEventType("research.export-included", 1)]
public sealed record ResearchExportIncludedV1(
    Guid ExportId,
    Guid StudyId,
    long ExportedAtMs,
    string ManifestHash,
    long LeafIndex,
    IReadOnlyList<Guid> ConsentIds) : IntegrationEvent;
