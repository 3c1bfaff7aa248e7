namespace Platform.Ledger.Replication;

/// <summary>
/// Lets a <see cref="RaftReplica"/> snapshot the state its <see cref="ApplyCommand"/> builds, so the write-ahead log
/// can be truncated behind the snapshot and a lagging or wiped replica can be sent the snapshot instead of the log.
/// </summary>
/// <remarks>
/// Neither method runs concurrently with <see cref="ApplyCommand"/> or with the other: the replica holds back the
/// next command until a snapshot is written, and installs a snapshot only while nothing is being applied.
/// The bytes are opaque to the replica; it frames them (version, Raft index and term, SHA-256) in its own file format.
/// </remarks>
public interface ISnapshottableState
{
    /// <summary>Writes the whole state as it is after the last applied command.</summary>
    /// <param name="destination">Write-only and asynchronous only: use <see cref="Stream.WriteAsync(ReadOnlyMemory{byte}, CancellationToken)"/>.</param>
    ValueTask WriteSnapshotAsync(Stream destination, CancellationToken ct);

    /// <summary>
    /// Replaces the whole state with the one written by <see cref="WriteSnapshotAsync"/> (on this or another
    /// replica, possibly by an older version of the caller: the caller versions its own bytes).
    /// </summary>
    /// <param name="source">Exactly the bytes <see cref="WriteSnapshotAsync"/> wrote, already integrity-checked.</param>
    ValueTask RestoreSnapshotAsync(Stream source, CancellationToken ct);
}
