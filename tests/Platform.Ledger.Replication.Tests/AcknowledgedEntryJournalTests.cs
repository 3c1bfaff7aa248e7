using System.Text;
using DotNext.IO.Log;
using DotNext.Net.Cluster.Consensus.Raft;
using DotNext.Net.Cluster.Consensus.Raft.StateMachine;
using Microsoft.Extensions.Logging.Abstractions;

namespace Platform.Ledger.Replication.Tests;

/// <summary>
/// A follower that does not flush before acknowledging (Ledger:DurableAcknowledgements off, the dev host), killed and
/// reopened: DotNext 6.12 keeps what its checkpoint (the last flushed commit index) covers and, past it, only what its
/// background flusher happened to write out, so entries it acknowledged but had not heard committed may be gone; the
/// journal puts them back. The "kill" is a copy of the WAL's
/// files taken while it is open, which is what the disk holds when the process dies.
/// </summary>
public sealed class AcknowledgedEntryJournalTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("journal-");

    [Fact]
    public async Task Entries_a_follower_acknowledged_are_in_its_log_again_after_a_restart_with_their_terms_and_bytes()
    {
        var received = new[] { Entry(3, "first"), Entry(3, "second"), Entry(4, "third") };
        await using (var follower = await OpenAsync())
        {
            await ((IAuditTrail<IRaftLogEntry>)follower.Log).AppendAsync(new LogEntryProducer<JournaledEntry>(received), 1, true, CancellationToken.None);
            Assert.Equal(3, follower.Log.LastEntryIndex);
            Assert.Equal(0, follower.Log.LastCommittedEntryIndex);
            CopyDirectory(Wal, Crashed); // what the disk holds if the process is killed now
        }

        Wal.Delete(recursive: true);
        CopyDirectory(Crashed, Wal);
        await using (var withoutJournal = await OpenAsync(restore: false))
        {
            // DotNext alone keeps only what its pages had written out when the process died: 0 to 3 entries,
            // depending on its background flusher's timing (both seen). The journal must not depend on that.
            Assert.InRange(withoutJournal.Log.LastEntryIndex, 0, 3);
        }

        Wal.Delete(recursive: true);
        CopyDirectory(Crashed, Wal);
        await using var restarted = await OpenAsync();
        Assert.Equal(3, restarted.Log.LastEntryIndex);
        Assert.Equal(0, restarted.Log.LastCommittedEntryIndex); // restored as appended, not as committed
        var terms = await ((IAuditTrail<IRaftLogEntry>)restarted.Log).ReadAsync(new TermsReader(), 1, 3, CancellationToken.None);
        Assert.Equal(new long[] { 3, 3, 4 }, terms);
        await restarted.Log.CommitAsync(3, CancellationToken.None);
        await restarted.Log.WaitForApplyAsync(3, CancellationToken.None);
        Assert.Equal(["first", "second", "third"], restarted.Applied);
    }

    [Fact]
    public void A_later_append_replaces_the_entries_from_its_index_on_and_a_torn_record_is_ignored()
    {
        using (var journal = new AcknowledgedEntryJournal(_root, flushToDisk: true))
        {
            journal.Append(1, [Entry(1, "a"), Entry(1, "b"), Entry(1, "c")]);
            journal.Append(2, [Entry(2, "B")]); // a new leader overwrote index 2 and dropped 3
        }

        // A kill in the middle of the next record: it was never acknowledged.
        using (var file = File.Open(Path.Combine(_root.FullName, AcknowledgedEntryJournal.FileName), FileMode.Append))
            file.Write([200, 0, 0, 0, 1, 2, 3]);

        using var reopened = new AcknowledgedEntryJournal(_root, flushToDisk: false);
        Assert.Equal(["a", "B"], reopened.EntriesAfter(0).Select(Text));
        Assert.Equal(["B"], reopened.EntriesAfter(1).Select(Text));
        Assert.Equal([1, 2], reopened.EntriesAfter(0).Select(e => (int)e.Term));

        reopened.Compact(1);
        Assert.Empty(reopened.EntriesAfter(0)); // entry 1 is the WAL's now
        Assert.Equal(["B"], reopened.EntriesAfter(1).Select(Text));
        reopened.Append(3, [Entry(2, "d")]);
        Assert.Equal(["B", "d"], reopened.EntriesAfter(1).Select(Text));
    }

    public void Dispose() => _root.Delete(recursive: true);

    private DirectoryInfo Wal => new(Path.Combine(_root.FullName, "wal"));

    private DirectoryInfo Crashed => new(Path.Combine(_root.FullName, "crashed"));

    private static void CopyDirectory(DirectoryInfo from, DirectoryInfo to)
    {
        foreach (var directory in from.EnumerateDirectories("*", SearchOption.AllDirectories))
            Directory.CreateDirectory(directory.FullName.Replace(from.FullName, to.FullName, StringComparison.Ordinal));
        to.Create();
        foreach (var file in from.EnumerateFiles("*", SearchOption.AllDirectories))
        {
            // Read through a shared handle: the WAL keeps its files open.
            using var source = new FileStream(file.FullName, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var target = File.Create(file.FullName.Replace(from.FullName, to.FullName, StringComparison.Ordinal));
            source.CopyTo(target);
        }
    }

    private static JournaledEntry Entry(long term, string text) => new() { Term = term, Content = Encoding.UTF8.GetBytes(text) };

    private static string Text(JournaledEntry entry) => Encoding.UTF8.GetString(entry.Content.Span);

    private async Task<OpenLog> OpenAsync(bool restore = true)
    {
        var applied = new List<string>();
        var snapshots = _root.CreateSubdirectory("snapshots");
        var machine = new CommandStateMachine(snapshots, (_, command, _) =>
        {
            lock (applied)
                applied.Add(Encoding.UTF8.GetString(command.Span));
            return ValueTask.CompletedTask;
        }, null, 0, NullLogger.Instance);
        await machine.RestoreAsync(CancellationToken.None);
        var wal = _root.CreateSubdirectory("wal");
        var log = new DurableWriteAheadLog(new WriteAheadLog.Options { Location = wal.FullName }, machine, flushBeforeAcknowledging: false);
        var initialization = log.InitializeAsync(CancellationToken.None);
        machine.StartApplying();
        await initialization;
        if (restore)
            await log.RestoreAcknowledgedAsync(wal, CancellationToken.None);
        return new OpenLog(log, machine, applied);
    }

    private sealed class TermsReader : ILogEntryConsumer<IRaftLogEntry, long[]>
    {
        public ValueTask<long[]> ReadAsync<TEntry, TList>(TList entries, long? snapshotIndex, CancellationToken token)
            where TEntry : IRaftLogEntry
            where TList : IReadOnlyList<TEntry> => ValueTask.FromResult(entries.Select(e => e.Term).ToArray());
    }

    private sealed record OpenLog(DurableWriteAheadLog Log, CommandStateMachine Machine, List<string> Applied) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Log.DisposeAsync();
            await Machine.DisposeAsync();
        }
    }
}
