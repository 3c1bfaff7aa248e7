namespace Platform.Ledger.Core;

/// <summary>What applying a submitted event did.</summary>
public sealed record SubmitOutcome(SubmitStatus Status, Guid? EventId, long? LeafIndex, string? ErrorCode, string? Reason)
{
    public static SubmitOutcome Committed(Guid eventId, long leafIndex) => new(SubmitStatus.Committed, eventId, leafIndex, null, null);

    public static SubmitOutcome Duplicate(Guid eventId, long leafIndex) => new(SubmitStatus.Duplicate, eventId, leafIndex, null, null);

    public static SubmitOutcome Rejected(string code, string reason) => new(SubmitStatus.Rejected, null, null, code, reason);
}

public enum SubmitStatus
{
    /// <summary>Appended to the Merkle log now.</summary>
    Committed,

    /// <summary>The event id was already in the log: the first index is returned, nothing is appended.</summary>
    Duplicate,

    /// <summary>Refused (bad signature, unknown key, contract violation); nothing entered the tree.</summary>
    Rejected,
}
