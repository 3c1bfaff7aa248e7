namespace Platform.Consent.Data;

/// <summary>
/// One compensation credit of a research participant (docs/research.md, "Compensation"): the study's terms when an
/// export released the participant, the signed <c>research.credited</c> event blinded under this credit's own secret,
/// and its ledger receipt once committed. Unique per opt-in and occasion (the export, or the study for a
/// per-participant compensation), so a redelivered export never credits twice.
/// </summary>
public sealed class ResearchCreditRow
{
    /// <summary>Random; the integration event names only this.</summary>
    public Guid Id { get; set; }

    /// <summary>The participant's opt-in; the patient reaches their credits through their own consents.</summary>
    public Guid ConsentId { get; set; }

    public Guid StudyId { get; set; }

    /// <summary>The export that released the participant (for a per-participant credit: the first one).</summary>
    public Guid ExportId { get; set; }

    /// <summary>What the credit is unique for with its opt-in: the export id (per export) or the study id (per participant).</summary>
    public Guid Occasion { get; set; }

    /// <summary><c>per-participant</c> or <c>per-export</c>.</summary>
    public string Basis { get; set; } = "";

    public long AmountMinor { get; set; }

    /// <summary>ISO 4217.</summary>
    public string Currency { get; set; } = "";

    /// <summary>When the export was made (its manifest's <c>exportedAt</c>), Unix milliseconds.</summary>
    public long ExportedAtMs { get; set; }

    /// <summary>When the consent service recorded the credit, Unix milliseconds.</summary>
    public long CreditedAtMs { get; set; }

    /// <summary>The credit's ledger secret (32 bytes): blinds the subject and salts the hash; handed only to the patient.</summary>
    public byte[] LedgerSalt { get; set; } = [];

    public Guid EventId { get; set; }

    /// <summary>The compact JWS of the <c>research.credited</c> event.</summary>
    public string SignedEvent { get; set; } = "";

    public long? LeafIndex { get; set; }

    /// <summary>The ledger's receipt (JSON) once the event is committed; null while it is on its way.</summary>
    public string? Receipt { get; set; }
}
