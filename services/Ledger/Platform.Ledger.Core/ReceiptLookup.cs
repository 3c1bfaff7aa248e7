using Platform.Ledger.Verification;

namespace Platform.Ledger.Core;

/// <summary>The answer to "give me the receipt for this event".</summary>
public sealed record ReceiptLookup(ReceiptStatus Status, long? LeafIndex, Receipt? Receipt);

public enum ReceiptStatus
{
    /// <summary>No event with that id is in the log.</summary>
    NotFound,

    /// <summary>Committed, but no final checkpoint covers it yet (the next block will).</summary>
    Pending,

    Ready,
}
