namespace Platform.Ledger.Replication;

/// <summary>
/// Applies one committed command to the replica's state machine.
/// </summary>
/// <remarks>
/// Called on every replica, in log order, never concurrently, once per committed command per
/// <see cref="RaftReplica"/> instance: first for the committed entries replayed from the WAL during
/// <see cref="RaftReplica.StartAsync"/>, then for each newly committed entry.
/// It must be deterministic (same bytes, same effect on every replica) and must not throw:
/// an exception stops this replica from applying anything further, because skipping an entry would fork its state.
/// </remarks>
/// <param name="index">Raft log index of the command: strictly increasing, not contiguous (election no-op entries take indexes too).</param>
/// <param name="command">The command bytes exactly as appended; a private copy the callee may keep.</param>
/// <param name="ct">Signalled when the replica shuts down.</param>
public delegate ValueTask ApplyCommand(long index, ReadOnlyMemory<byte> command, CancellationToken ct);
