using System.Buffers;
using DotNext.IO;
using DotNext.Net.Cluster.Consensus.Raft.StateMachine;
using Microsoft.Extensions.Logging;

namespace Platform.Ledger.Replication;

/// <summary>
/// The state machine behind the WAL: hands each committed command to <see cref="ApplyCommand"/> and, every
/// <see cref="ReplicaOptions.SnapshotInterval"/> entries, writes a snapshot of the caller's state.
/// </summary>
/// <remarks>
/// <para>
/// DotNext's <see cref="SimpleStateMachine"/> does the bookkeeping: it names snapshot files <c>{index}-{term}</c> in
/// <c>snapshots/</c>, writes them to a temporary file in the same directory and renames it (then flushes the
/// directory), holds back the next entry until the snapshot is written, tells the WAL the snapshot's index (the WAL
/// then deletes the log pages behind it and asks for older snapshot files to be deleted), sends the snapshot file to
/// a follower whose next entry is no longer in the log, and installs one received from the leader.
/// </para>
/// <para>
/// One thing is changed: the WAL is shown the snapshot <em>before</em> the newest one this replica took (see
/// <see cref="ISnapshotManager.Snapshot"/> below), so the log keeps one interval of entries behind the newest snapshot.
/// A leader that lost a follower's acknowledgement retries from an index the follower has already committed; if the
/// leader's log no longer held that index, DotNext 6.12 would send its snapshot, the follower would refuse it (older
/// than its commit index), and the leader would step back one index per refusal without ever catching up.
/// </para>
/// <para>
/// Without an <see cref="ISnapshottableState"/> no snapshot is ever taken and the WAL keeps (and replays) everything.
/// </para>
/// </remarks>
internal sealed partial class CommandStateMachine(
    DirectoryInfo location, ApplyCommand apply, ISnapshottableState? state, long snapshotInterval, ILogger logger)
    : SimpleStateMachine(location), ISnapshotManager
{
    // The snapshot the WAL sees (truncates behind, sends to followers), the newest one on disk, and the one PersistAsync
    // wrote that DotNext renames into place just before it hands over the next entry.
    private volatile SnapshotFileEntry? _exposed;
    private SnapshotFileEntry? _newest;
    private (long Index, long Term)? _pending;
    private readonly DirectoryInfo _directory = location;

    // DotNext's WAL starts applying committed entries in its constructor, while their integrity hashes are only
    // verified later, in InitializeAsync. Nothing is applied until the owner has seen that verification pass.
    private readonly TaskCompletionSource _integrityVerified = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // Written by the applier (never concurrent with itself); read by PersistAsync, which runs before the next apply.
    private long _lastIndex, _lastTerm, _snapshotIndex;
    private readonly TermHistory _terms = new();
    private long _snapshotsTaken, _snapshotsInstalled;

    /// <summary>Index of the newest snapshot taken, installed or restored here (0: none).</summary>
    internal long SnapshotIndex => Volatile.Read(ref _snapshotIndex);

    /// <summary>Terms of the entries applied here, also of those the log no longer holds.</summary>
    internal TermHistory Terms => _terms;

    /// <summary>Snapshots this instance wrote.</summary>
    internal long SnapshotsTaken => Volatile.Read(ref _snapshotsTaken);

    /// <summary>Snapshots this instance restored: at start from its own directory, or received from the leader.</summary>
    internal long SnapshotsInstalled => Volatile.Read(ref _snapshotsInstalled);

    /// <summary>Index up to which the WAL may have deleted the log (the snapshot it was shown; 0: none).</summary>
    internal long CompactedThrough => _exposed?.Index ?? 0;

    ISnapshot? ISnapshotManager.Snapshot => _exposed;

    ValueTask ISnapshotManager.ReclaimGarbageAsync(long watermark, CancellationToken token)
    {
        // The WAL calls this under its read barrier (nobody is sending a snapshot) with the index it truncated behind.
        foreach (var file in _directory.EnumerateFiles("*-*", SearchOption.TopDirectoryOnly))
        {
            token.ThrowIfCancellationRequested();
            if (SnapshotFileEntry.FromName(file) is { } old && old.Index < watermark)
                file.Delete();
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>Lets the WAL's applier proceed; call once the WAL's integrity check has passed.</summary>
    internal void StartApplying() => _integrityVerified.TrySetResult();

    /// <summary>Removes temporary snapshot files a crash left behind (DotNext never looks at them again).</summary>
    internal static void DeleteAbandonedTemporaryFiles(DirectoryInfo location)
    {
        foreach (var file in location.EnumerateFiles("*.tmp", SearchOption.TopDirectoryOnly))
            file.Delete();
    }

    protected override async ValueTask<bool> ApplyAsync(LogEntry entry, CancellationToken token)
    {
        if (!_integrityVerified.Task.IsCompleted)
            await _integrityVerified.Task.WaitAsync(token).ConfigureAwait(false);

        if (_pending is var (writtenIndex, writtenTerm))
        {
            // DotNext committed (renamed) the snapshot PersistAsync wrote before handing over this entry.
            _pending = null;
            var file = new FileInfo(Path.Combine(_directory.FullName, $"{writtenIndex}-{writtenTerm}"));
            if (file.Exists)
                (_exposed, _newest) = (_newest, new SnapshotFileEntry(file, writtenIndex, writtenTerm));
        }

        // Election no-op entries (empty) and membership entries carry no command.
        // AppendAsync rejects empty commands, so "empty" is unambiguous.
        if (!entry.IsConfiguration && entry.Length is > 0 && entry.TryGetPayload(out var payload))
        {
            // Copy: the payload points into WAL pages that are only guaranteed during this call.
            var command = payload.ToArray();
            try
            {
                await apply(entry.Index, command, token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException || !token.IsCancellationRequested)
            {
                LogApplyFailed(logger, e, entry.Index);
                throw;
            }

            (entry.Context as AppendTicket)?.OnApplied(entry.Index, entry.Term);
        }

        (_lastIndex, _lastTerm) = (entry.Index, entry.Term);
        _terms.Record(entry.Index, entry.Term);
        return state is not null && snapshotInterval > 0 && entry.Index - _snapshotIndex >= snapshotInterval;
    }

    protected override async ValueTask PersistAsync(IAsyncBinaryWriter writer, CancellationToken token)
    {
        // DotNext calls this right after ApplyAsync returned true, for that entry; the file is named after it.
        var (index, term) = (_lastIndex, _lastTerm);
        try
        {
            await using var stream = new SnapshotWriteStream(writer);
            await stream.WriteAsync(SnapshotFile.Header(index, term), token).ConfigureAwait(false);
            await stream.WriteAsync(_terms.ToBytes(index), token).ConfigureAwait(false);
            await state!.WriteSnapshotAsync(stream, token).ConfigureAwait(false);
            await stream.WriteTrailerAsync(token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !token.IsCancellationRequested)
        {
            // The next entry waits for this snapshot and fails with it: the replica stops applying, loudly.
            LogSnapshotFailed(logger, e, index);
            throw;
        }

        _pending = (index, term);
        Volatile.Write(ref _snapshotIndex, index);
        Interlocked.Increment(ref _snapshotsTaken);
        LogSnapshotTaken(logger, index, term);
    }

    protected override async ValueTask RestoreAsync(FileInfo snapshotFile, CancellationToken token)
    {
        if (state is null)
            throw new SnapshotIntegrityException($"Snapshot {snapshotFile.Name} found, but this replica was started without snapshot support.");

        var contents = await SnapshotFile.VerifyAsync(snapshotFile, token).ConfigureAwait(false);
        await using (var payload = new SnapshotPayloadStream(snapshotFile, contents.PayloadOffset, contents.PayloadLength))
            await state.RestoreSnapshotAsync(payload, token).ConfigureAwait(false);

        // Restored at start, or installed from the leader: the log before it is not here, so the WAL must see this one.
        _pending = null;
        _exposed = _newest = new SnapshotFileEntry(snapshotFile, contents.Index, contents.Term);
        _terms.Replace(contents.TermHistory);
        _terms.Record(contents.Index, contents.Term);
        (_lastIndex, _lastTerm) = (contents.Index, contents.Term);
        Volatile.Write(ref _snapshotIndex, contents.Index);
        Interlocked.Increment(ref _snapshotsInstalled);
        LogSnapshotRestored(logger, contents.Index, contents.PayloadLength);
    }

    [LoggerMessage(Level = LogLevel.Critical, Message = "Applying committed entry {Index} failed; this replica stops applying further entries.")]
    private static partial void LogApplyFailed(ILogger logger, Exception exception, long index);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Writing the snapshot at entry {Index} failed; this replica stops applying further entries.")]
    private static partial void LogSnapshotFailed(ILogger logger, Exception exception, long index);

    [LoggerMessage(Level = LogLevel.Information, Message = "Snapshot taken at entry {Index} (term {Term}); the log behind it will be deleted.")]
    private static partial void LogSnapshotTaken(ILogger logger, long index, long term);

    [LoggerMessage(Level = LogLevel.Information, Message = "State restored from the snapshot at entry {Index} ({Bytes} bytes).")]
    private static partial void LogSnapshotRestored(ILogger logger, long index, long bytes);
}
