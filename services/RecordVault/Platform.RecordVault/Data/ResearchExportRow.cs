using Platform.RecordVault.Jobs;

namespace Platform.RecordVault.Data;

/// <summary>
/// A de-identified research export of one study (docs/research.md, "Export"): who asked, where it stands, and once
/// done the manifest (its exact bytes, their SHA-256) and the signed <c>research.exported</c> event that puts the
/// manifest's hash on the ledger, with the ledger's receipt when it comes back. Holds no patient id and no content;
/// the files are <see cref="ResearchExportFileRow"/>, encrypted.
/// </summary>
public sealed class ResearchExportRow : ILeasedJob
{
    public const string Accepted = LeasedJobStatus.Accepted;
    public const string Running = LeasedJobStatus.Running;
    public const string Completed = LeasedJobStatus.Completed;
    public const string Failed = LeasedJobStatus.Failed;

    public Guid Id { get; set; }

    public Guid StudyId { get; set; }

    /// <summary>The researcher who started it (the token's <c>sub</c>); status and files are checked against the study's representative at every call.</summary>
    public string Requester { get; set; } = "";

    public string Status { get; set; } = Accepted;

    public long CreatedAtMs { get; set; }

    public long? CompletedAtMs { get; set; }

    /// <summary>The worker instance running the export, and until when its claim holds.</summary>
    public Guid? LeaseOwner { get; set; }

    public long LeaseUntilMs { get; set; }

    /// <summary>The manifest as served and hashed (UTF-8 JSON), once completed.</summary>
    public string? Manifest { get; set; }

    /// <summary>Lowercase hex SHA-256 of <see cref="Manifest"/>'s bytes: what the ledger entry carries.</summary>
    public string? ManifestHash { get; set; }

    /// <summary>The id of the signed <c>research.exported</c> event (the ledger's receipt is matched on it).</summary>
    public Guid? LedgerEventId { get; set; }

    /// <summary>The signed event (compact JWS) that carries the manifest hash to the ledger.</summary>
    public string? SignedEvent { get; set; }

    public long? LeafIndex { get; set; }

    /// <summary>The ledger's inclusion receipt (JSON), once the event is committed.</summary>
    public string? Receipt { get; set; }

    /// <summary>
    /// The opt-ins (consent ids, 32 hex, space-separated) of the participants released in the export, sent to the consent
    /// service with the receipt (<see cref="Contracts.Events.ResearchExportIncludedV1"/>) so each patient sees the exports
    /// that used their data. Consent ids, not patient ids: the consent service alone maps them to patients.
    /// </summary>
    public string? IncludedConsents { get; set; }

    /// <summary>A stable code when the export failed (never content).</summary>
    public string? Error { get; set; }
}
