namespace Platform.Ledger.Core;

/// <summary>How submissions are grouped into one Raft entry (<c>Ledger:GroupCommit:*</c>).</summary>
public sealed class GroupCommitOptions
{
    /// <summary>Group submissions at all (default); off, every event is its own entry (entry format 1).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>At most this many events in one entry.</summary>
    public int MaxEvents { get; set; } = 512;

    /// <summary>
    /// At most this many bytes in one entry (default 512 KiB: half the replica's largest command, 1 MiB, so a
    /// batch of events at the 8 KiB limit still fits).
    /// </summary>
    public int MaxBytes { get; set; } = 512 * 1024;

    /// <summary>
    /// How long the first event of a batch waits for others before the batch goes anyway (default 2 ms). Only paid
    /// when a batch is not full; a lone client pays it per event, which is why it is short.
    /// </summary>
    public TimeSpan Linger { get; set; } = TimeSpan.FromMilliseconds(2);

    /// <summary>Batches in flight at once (appended, not yet committed); while they are, the next one fills up.</summary>
    public int MaxInFlight { get; set; } = 4;
}
