namespace Platform.Ledger.Replication;

/// <summary>
/// Rides along with an entry appended on the leader (as its WAL context) so that the state machine
/// can report the index at which that very entry was applied.
/// </summary>
/// <remarks>
/// DotNext keys the context by index only. If this entry is overwritten by a new leader's entry at
/// the same index, the stale ticket is handed to the state machine with the other entry; the term
/// check tells them apart (same index and term means same entry, by Raft's log matching property).
/// </remarks>
internal sealed class AppendTicket(long term)
{
    private long _appliedIndex = -1;

    internal long Term { get; } = term;

    /// <summary>Index at which the entry was applied, or -1 if it has not been (yet).</summary>
    internal long AppliedIndex => Volatile.Read(ref _appliedIndex);

    internal void OnApplied(long index, long term)
    {
        if (term == Term)
            Volatile.Write(ref _appliedIndex, index);
    }
}
