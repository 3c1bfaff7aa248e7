using DotNext.IO;
using DotNext.IO.Log;
using DotNext.Net.Cluster.Consensus.Raft;
using DotNext.Net.Cluster.Consensus.Raft.StateMachine;

namespace Platform.Ledger.Replication;

/// <summary>
/// DotNext's <see cref="WriteAheadLog"/> with one change: entries a follower receives are flushed to stable storage
/// before its append returns, so before it answers the leader "I have them".
/// </summary>
/// <remarks>
/// <para>
/// In DotNext 6.12 the WAL flushes lazily in the background, and <see cref="WriteAheadLog.CommitAsync(long, CancellationToken)"/>
/// waits for the flush only up to the index being committed. The leader therefore has an entry on disk before it
/// commits it, but a follower answers AppendEntries as soon as the entries are in its (memory-mapped) pages: a
/// majority could acknowledge from the page cache, and a simultaneous power loss of that majority would lose an
/// acknowledged entry. Raft's safety argument assumes an acknowledgement means "persisted".
/// </para>
/// <para>
/// <see cref="RaftCluster"/> calls the follower path through the <see cref="IAuditTrail{TEntry}"/> interface, so
/// re-implementing that interface here (the WAL's methods are not virtual) puts a
/// <see cref="WriteAheadLog.FlushAsync(CancellationToken)"/> (msync of the written pages and metadata, write-through
/// checkpoint) between the append and the answer. A heartbeat with no entries finds nothing unflushed and returns at once.
/// </para>
/// <para>
/// The same re-implementation answers Raft's consistency check for entries behind the newest snapshot from the
/// state machine's <see cref="TermHistory"/> (see there why DotNext's own answer is not good enough).
/// </para>
/// </remarks>
internal sealed class DurableWriteAheadLog(WriteAheadLog.Options options, CommandStateMachine stateMachine, bool flushBeforeAcknowledging)
    : WriteAheadLog(options, stateMachine), IAuditTrail<IRaftLogEntry>, IAuditTrail
{
    private long _highestKnownCommitIndex;

    /// <summary>The highest commit index a leader has announced to this replica (or this replica committed as leader).</summary>
    internal long HighestKnownCommitIndex => Math.Max(Volatile.Read(ref _highestKnownCommitIndex), LastCommittedEntryIndex);

    /// <summary>
    /// Whether this process has been told a commit index since it started: by a leader whose log this replica's log
    /// matches (DotNext commits only after the consistency check passed), or by itself as leader. Until then the
    /// commit index it knows is only what it had before, and its lag cannot be measured.
    /// </summary>
    internal bool HasHeardCommitIndex => Volatile.Read(ref _commitNotices) != 0;

    private int _commitNotices;

    /// <summary>Entries flushed because a follower received them; for tests and diagnostics.</summary>
    internal long FollowerFlushes => Volatile.Read(ref _followerFlushes);

    private long _followerFlushes;

    private AcknowledgedEntryJournal? _journal;

    /// <summary>
    /// Without flushes before acknowledging, opens the journal of acknowledged entries and appends again (uncommitted)
    /// those after the commit index, which DotNext dropped when it reopened the log (<see cref="AcknowledgedEntryJournal"/>).
    /// Call before Raft starts. With flushes, the WAL keeps them itself and no journal is written.
    /// </summary>
    /// <returns>How many entries were restored.</returns>
    internal async Task<int> RestoreAcknowledgedAsync(DirectoryInfo location, CancellationToken token)
    {
        if (flushBeforeAcknowledging)
            return 0;

        _journal = new AcknowledgedEntryJournal(location, flushToDisk: false);
        var committed = LastCommittedEntryIndex;
        var restored = _journal.EntriesAfter(committed);
        if (restored.Count > 0)
            await AppendAsync(new LogEntryProducer<JournaledEntry>(restored), committed + 1, skipCommitted: false, token).ConfigureAwait(false);
        return restored.Count;
    }

    async ValueTask IAuditTrail<IRaftLogEntry>.AppendAsync<TEntryImpl>(ILogEntryProducer<TEntryImpl> entries, long startIndex, bool skipCommitted, CancellationToken token)
    {
        var received = entries.RemainingCount;
        if (received > 0 && _journal is { } journal)
        {
            // Recorded before the WAL has them and before the leader hears "appended": see AcknowledgedEntryJournal.
            var copies = new List<JournaledEntry>((int)received);
            while (await entries.MoveNextAsync().ConfigureAwait(false))
            {
                var entry = entries.Current;
                copies.Add(new JournaledEntry
                {
                    Term = entry.Term,
                    IsConfiguration = entry.IsConfiguration,
                    CommandId = entry.CommandId,
                    Content = await entry.ToByteArrayAsync(token: token).ConfigureAwait(false),
                });
            }

            await CompactJournalIfLargeAsync(journal, token).ConfigureAwait(false);
            journal.Append(startIndex, copies);
            await AppendAsync(new LogEntryProducer<JournaledEntry>(copies), startIndex, skipCommitted, token).ConfigureAwait(false);
        }
        else
        {
            await AppendAsync(entries, startIndex, skipCommitted, token).ConfigureAwait(false);
        }

        if (received > 0 && flushBeforeAcknowledging)
        {
            await FlushAsync(token).ConfigureAwait(false);
            Interlocked.Increment(ref _followerFlushes);
        }
    }

    private async ValueTask CompactJournalIfLargeAsync(AcknowledgedEntryJournal journal, CancellationToken token)
    {
        if (journal.Length < AcknowledgedEntryJournal.CompactionThreshold)
            return;

        // FlushAsync returns once the checkpoint covers the commit index read before it: those entries are durable.
        var committed = LastCommittedEntryIndex;
        await FlushAsync(token).ConfigureAwait(false);
        journal.Compact(committed);
    }

    protected override void Dispose(bool disposing)
    {
        _journal?.Dispose();
        base.Dispose(disposing);
    }

    ValueTask<TResult> IAuditTrail<IRaftLogEntry>.ReadAsync<TResult>(ILogEntryConsumer<IRaftLogEntry, TResult> reader, long startIndex, long endIndex, CancellationToken token)
    {
        // DotNext reads a single entry's term through its internal TermReader (a long result). Inside the snapshot it
        // would get the snapshot's term for every index; the history knows the entry's own.
        if (startIndex == endIndex && startIndex > 0 && startIndex < stateMachine.CompactedThrough
            && typeof(TResult) == typeof(long) && reader.GetType().Name.EndsWith("TermReader", StringComparison.Ordinal)
            && stateMachine.Terms.TryGetTerm(startIndex, out var term))
        {
            return ValueTask.FromResult((TResult)(object)term);
        }

        return ReadAsync(reader, startIndex, endIndex, token);
    }

    ValueTask<long> IAuditTrail.CommitAsync(long endIndex, CancellationToken token)
    {
        // A follower is told the leader's commit index, which may be ahead of what it holds: that gap is its lag.
        Volatile.Write(ref _commitNotices, 1);
        var seen = Volatile.Read(ref _highestKnownCommitIndex);
        while (endIndex > seen && Interlocked.CompareExchange(ref _highestKnownCommitIndex, endIndex, seen) != seen)
            seen = Volatile.Read(ref _highestKnownCommitIndex);
        return CommitAsync(endIndex, token);
    }
}
