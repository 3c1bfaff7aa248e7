using System.Buffers;
using DotNext.Net.Cluster.Consensus.Raft.StateMachine;
using Microsoft.Extensions.Logging;

namespace Platform.Ledger.Replication;

/// <summary>
/// The state machine behind the WAL: hands each committed command to <see cref="ApplyCommand"/>.
/// </summary>
/// <remarks>
/// It never takes snapshots. The ledger keeps its whole history anyway, and without a snapshot the
/// WAL replays every committed entry from index 1 on start, which is exactly what
/// <see cref="ApplyCommand"/> promises. (The price: the WAL is never compacted.)
/// </remarks>
internal sealed partial class CommandStateMachine(ApplyCommand apply, ILogger logger) : IStateMachine
{
    // DotNext's WAL starts applying committed entries in its constructor, while their integrity hashes are only
    // verified later, in InitializeAsync. Nothing is applied until the owner has seen that verification pass.
    private readonly TaskCompletionSource integrityVerified = new(TaskCreationOptions.RunContinuationsAsynchronously);

    ISnapshot? ISnapshotManager.Snapshot => null;

    ValueTask ISnapshotManager.ReclaimGarbageAsync(long watermark, CancellationToken token) => ValueTask.CompletedTask;

    /// <summary>Lets the WAL's applier proceed; call once the WAL's integrity check has passed.</summary>
    internal void StartApplying() => integrityVerified.TrySetResult();

    public async ValueTask<long> ApplyAsync(LogEntry entry, CancellationToken token)
    {
        if (!integrityVerified.Task.IsCompleted)
            await integrityVerified.Task.WaitAsync(token).ConfigureAwait(false);

        // Election no-op entries (empty) and membership entries carry no command.
        // AppendAsync rejects empty commands, so "empty" is unambiguous.
        if (entry.IsSnapshot || entry.IsConfiguration || entry.Length is not > 0 || !entry.TryGetPayload(out var payload))
            return entry.Index;

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
        return entry.Index;
    }

    [LoggerMessage(Level = LogLevel.Critical, Message = "Applying committed entry {Index} failed; this replica stops applying further entries.")]
    private static partial void LogApplyFailed(ILogger logger, Exception exception, long index);
}
