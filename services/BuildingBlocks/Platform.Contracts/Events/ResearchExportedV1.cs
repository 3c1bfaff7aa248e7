namespace Platform.Contracts.Events;

/// <summary>The record vault finished a de-identified research export; the signed event carries its manifest's hash to the ledger.</summary>
/// <param name="ExportId">The export's random id (the signed event's subject is <c>export-&lt;id, 32 hex&gt;</c>).</param>
/// <param name="ManifestHash">Lowercase hex SHA-256 of the manifest's bytes.</param>
/// <param name="SignedEvent">Compact JWS (ES256) over the <c>research.exported</c> payload, signed by the record vault.</param>
[IntegrationEventType("research.exported", 1)]
public sealed record ResearchExportedV1(
    Guid ExportId,
    string ManifestHash,
    string SignedEvent) : IntegrationEvent;
