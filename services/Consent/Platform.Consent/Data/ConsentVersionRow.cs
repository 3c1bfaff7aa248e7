namespace Platform.Consent.Data;

/// <summary>
/// One committed change of a consent: the version's canonical form (what its hash covers), who made the change
/// and why, the signed event sent to the ledger, and — once the ledger committed it — the receipt.
/// </summary>
public sealed class ConsentVersionRow
{
    public Guid ConsentId { get; set; }
    public int Version { get; set; }
    public string Action { get; set; } = "";
    public string Hash { get; set; } = "";

    /// <summary>UTF-8 canonical JSON of the version (<see cref="Core.ConsentHash.CanonicalForm"/>).</summary>
    public string Snapshot { get; set; } = "";

    public long ChangedAtMs { get; set; }

    /// <summary>Subject id of whoever made the change (the patient, an admin, or <c>consent-service</c> for expiry).</summary>
    public string ChangedBy { get; set; } = "";

    /// <summary>An admin's stated reason (audited); null for the patient's own changes.</summary>
    public string? Reason { get; set; }

    public Guid EventId { get; set; }
    public string SignedEvent { get; set; } = "";
    public long? LeafIndex { get; set; }
    public string? Receipt { get; set; }

    /// <summary>
    /// The consent's ledger secret when this version was signed as a v2 event (blinded subject, salted hash); null
    /// for versions committed as v1. The patient gets it with the receipt (<see cref="Api.ConsentOpening"/>).
    /// </summary>
    public byte[]? LedgerSalt { get; set; }
}
