namespace Platform.Ledger.Data;

/// <summary>
/// A signed event this replica took from the bus and committed, whose <c>ledger.committed</c> it still owes the
/// publisher. Written in the same transaction as the inbox entry (so acknowledging the event and owing its receipt
/// are one fact) and deleted in the same transaction as the outbox row that carries the receipt.
/// </summary>
public sealed class OwedReceipt
{
    public Guid EventId { get; set; }

    /// <summary>Its leaf: the same on every replica, so the receipt is owed until a final checkpoint covers it here.</summary>
    public long LeafIndex { get; set; }

    public DateTime OwedSinceUtc { get; set; }

    /// <summary>The W3C trace context of the delivery that committed it, so the receipt continues the publisher's trace.</summary>
    public string? TraceParent { get; set; }
}
