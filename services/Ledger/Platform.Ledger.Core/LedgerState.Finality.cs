namespace Platform.Ledger.Core;

/// <summary>
/// Waiting for a receipt without polling: a waiter is released by the very signature that makes a checkpoint
/// covering its event final (or by a snapshot restore that brings one), so the receipt is ready the moment it exists.
/// </summary>
public sealed partial class LedgerState
{
    // Ordered by leaf index, so a new final checkpoint releases a prefix. Guarded by _gate.
    private readonly PriorityQueue<TaskCompletionSource, long> _finalityWaiters = new();

    /// <summary>
    /// Completes with the receipt of the event committed at <paramref name="leafIndex"/> once a final checkpoint on this
    /// replica covers that leaf (at once if one does already). The leaf index comes from the commit outcome and is the
    /// same on every replica, so a replica that forwarded the event to the leader and has not applied it yet waits too.
    /// </summary>
    public async Task<ReceiptLookup> ReceiptWhenFinalAsync(Guid eventId, long leafIndex, CancellationToken cancellationToken)
    {
        await WhenFinalAsync(leafIndex).WaitAsync(cancellationToken).ConfigureAwait(false);
        return ReceiptFor(eventId);
    }

    /// <summary>
    /// Completes once a final checkpoint on this replica covers <paramref name="leafIndex"/> (already completed if one
    /// does). Not cancellable by design: the task is released by the next final checkpoint that covers the leaf, so a
    /// caller that stops waiting simply drops it.
    /// </summary>
    public Task WhenFinalAsync(long leafIndex)
    {
        lock (_gate)
        {
            if (_latestFinalSize is { } size && size > leafIndex)
            {
                return Task.CompletedTask;
            }
            // Continuations run off the applier's thread: a waiter then builds its receipt under the same lock.
            var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _finalityWaiters.Enqueue(waiter, leafIndex);
            return waiter.Task;
        }
    }

    /// <summary>The tree size of the newest final checkpoint on this replica (0 before the first).</summary>
    public long LatestFinalSize
    {
        get
        {
            lock (_gate)
            {
                return _latestFinalSize ?? 0;
            }
        }
    }

    /// <summary>Number of callers still waiting for finality (an abandoned wait stays until its checkpoint is final).</summary>
    public int FinalityWaiterCount
    {
        get
        {
            lock (_gate)
            {
                return _finalityWaiters.Count;
            }
        }
    }

    // Under _gate, whenever _latestFinalSize grew.
    private void ReleaseFinalityWaiters()
    {
        if (_latestFinalSize is not { } size)
        {
            return;
        }
        while (_finalityWaiters.TryPeek(out _, out var leaf) && leaf < size)
        {
            _finalityWaiters.Dequeue().TrySetResult();
        }
    }
}
