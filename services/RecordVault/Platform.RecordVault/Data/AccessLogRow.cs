namespace Platform.RecordVault.Data;

/// <summary>
/// One access to a patient's records (read, write, delete; permitted, denied or break-glass), as the patient sees it
/// in their access log, with the signed audit event and — once the ledger committed it — its receipt.
/// </summary>
public sealed class AccessLogRow
{
    public Guid EventId { get; set; }
    public Guid RecordId { get; set; }
    public int? Version { get; set; }
    public string Patient { get; set; } = "";
    public string Actor { get; set; } = "";
    public string Action { get; set; } = "";
    public string Outcome { get; set; } = "";
    public string? Purpose { get; set; }
    public Guid DecisionId { get; set; }
    public string? Reason { get; set; }

    /// <summary>
    /// The clinician's reason for a break-glass access, encrypted (<see cref="Access.BreakGlassReasonProtector"/>):
    /// free text that may describe the patient's condition. Null for every other access.
    /// </summary>
    public string? ProtectedBreakGlassReason { get; set; }
    public string RecordHash { get; set; } = "";

    /// <summary>
    /// The caller's network address as the vault saw it (the connection's remote address, an IPv4 or IPv6 literal),
    /// for the AuditEvent's <c>agent.network</c> (BALP). Kept in the access log only, never in the signed event or on
    /// the ledger: an address ties a patient's records to a place. Null for entries written before it was recorded
    /// and for accesses without a request (the admin erasure procedure, bulk export workers).
    /// </summary>
    public string? NetworkAddress { get; set; }

    /// <summary>The OAuth client (<c>client_id</c> of the token) the access came through, for the AuditEvent's client agent; null when unknown.</summary>
    public string? ClientId { get; set; }
    public long AtMs { get; set; }
    public string SignedEvent { get; set; } = "";
    public long? LeafIndex { get; set; }
    public string? Receipt { get; set; }

    /// <summary>
    /// The per-event secret that blinds the ledger entry (v2 events: subject, actor and record hash are HMACs under
    /// it); shown to the patient with the entry so they can prove the link. Null for entries signed as v1.
    /// </summary>
    public byte[]? LedgerSalt { get; set; }
}
