using System.Diagnostics;
using System.Threading.Channels;

namespace Platform.Ledger.Core;

/// <summary>
/// Group commit: gathers concurrent submissions into one <see cref="SubmitBatch"/> entry, bounded by event count,
/// bytes and a short linger time, and hands each caller its own event's outcome. Replication and the disk flush are
/// then paid per batch instead of per event; validation is not skipped anywhere (every replica validates every event
/// it applies, see LedgerState.BatchValidation.cs).
/// </summary>
/// <param name="append">
/// Appends a batch through Raft and returns the outcomes in batch order once committed and applied; throws when no
/// majority commits it (every caller in the batch then gets that exception).
/// </param>
public sealed class SubmissionBatcher : IAsyncDisposable
{
    private readonly Func<SubmitBatch, CancellationToken, Task<IReadOnlyList<SubmitOutcome>>> _append;
    private readonly GroupCommitOptions _options;
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly SemaphoreSlim _inFlight;
    private readonly CancellationTokenSource _stopping = new();
    private readonly CancellationToken _stoppingToken;
    private readonly Task _loop;
    private Pending? _carried;

    public SubmissionBatcher(Func<SubmitBatch, CancellationToken, Task<IReadOnlyList<SubmitOutcome>>> append, GroupCommitOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxEvents, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxInFlight, 1);
        _append = append;
        _options = options;
        _inFlight = new SemaphoreSlim(options.MaxInFlight);
        _stoppingToken = _stopping.Token;
        // The loop must not inherit the constructing caller's context (its trace, for one): each batch takes its own.
        using (ExecutionContext.SuppressFlow())
        {
            _loop = Task.Run(RunAsync);
        }
    }

    /// <summary>Submits one signed event (already pre-validated by the caller); completes with its outcome.</summary>
    public Task<SubmitOutcome> SubmitAsync(string signedEvent, CancellationToken cancellationToken)
    {
        var pending = new Pending(signedEvent, new TaskCompletionSource<SubmitOutcome>(TaskCreationOptions.RunContinuationsAsynchronously), Activity.Current);
        if (!_queue.Writer.TryWrite(pending))
        {
            throw new ObjectDisposedException(nameof(SubmissionBatcher));
        }
        // A caller that gives up stops waiting; its event may still be committed (a repeat is idempotent).
        return pending.Outcome.Task.WaitAsync(cancellationToken);
    }

    private async Task RunAsync()
    {
        try
        {
            while (true)
            {
                // Wait for a free slot before gathering: while every slot is busy, submissions pile up in the queue
                // and the next batch takes them all at once, which is what makes batches grow under load.
                if (_carried is null && !await _queue.Reader.WaitToReadAsync(_stoppingToken).ConfigureAwait(false))
                {
                    break;
                }
                await _inFlight.WaitAsync(_stoppingToken).ConfigureAwait(false);
                // Linger only while another batch is committing: with nothing in flight, waiting would add latency
                // and gain nothing, since the batch would reach Raft no sooner.
                var othersInFlight = _inFlight.CurrentCount < _options.MaxInFlight - 1;
                var batch = await NextBatchAsync(othersInFlight).ConfigureAwait(false);
                _ = CommitAsync(batch);
            }
        }
        catch (OperationCanceledException)
        {
        }
        // Stopped: whoever is still queued hears so instead of waiting forever.
        _carried?.Outcome.TrySetException(new ObjectDisposedException(nameof(SubmissionBatcher)));
        while (_queue.Reader.TryRead(out var left))
        {
            left.Outcome.TrySetException(new ObjectDisposedException(nameof(SubmissionBatcher)));
        }
    }

    private async Task<List<Pending>> NextBatchAsync(bool linger)
    {
        Pending first;
        if (_carried is { } carried)
        {
            (first, _carried) = (carried, null);
        }
        else if (!_queue.Reader.TryRead(out first!))
        {
            return []; // only when stopping: the queue was completed and drained
        }
        var batch = new List<Pending> { first };
        long characters = first.SignedEvent.Length;
        using var lingering = linger ? CancellationTokenSource.CreateLinkedTokenSource(_stoppingToken) : null;
        lingering?.CancelAfter(_options.Linger);
        while (batch.Count < _options.MaxEvents)
        {
            if (!_queue.Reader.TryRead(out var next))
            {
                if (lingering is null)
                {
                    break;
                }
                try
                {
                    if (!await _queue.Reader.WaitToReadAsync(lingering.Token).ConfigureAwait(false))
                    {
                        break;
                    }
                }
                catch (OperationCanceledException) when (!_stoppingToken.IsCancellationRequested)
                {
                    break; // lingered long enough: the batch goes as it is
                }
                continue;
            }
            if (SubmitBatch.EntrySize(batch.Count + 1, characters + next.SignedEvent.Length) > _options.MaxBytes)
            {
                _carried = next; // starts the next batch
                break;
            }
            batch.Add(next);
            characters += next.SignedEvent.Length;
        }
        return batch;
    }

    private async Task CommitAsync(List<Pending> batch)
    {
        if (batch.Count == 0)
        {
            _inFlight.Release();
            return;
        }
        // The batch's commit continues the trace of its first submission (a span has one parent); the others' traces
        // are linked to it by the append (see LedgerNode), which finds them in BatchSubmitters.
        Activity.Current = batch[0].Submitter;
        BatchSubmitters.Value = batch.Select(p => p.Submitter?.Context ?? default).Where(c => c != default).ToArray();
        try
        {
            var outcomes = await _append(new SubmitBatch(batch.Select(p => p.SignedEvent).ToArray()), _stoppingToken).ConfigureAwait(false);
            if (outcomes.Count != batch.Count)
            {
                throw new InvalidOperationException($"A batch of {batch.Count} events came back with {outcomes.Count} outcomes.");
            }
            for (var i = 0; i < batch.Count; i++)
            {
                batch[i].Outcome.TrySetResult(outcomes[i]);
            }
        }
        catch (Exception ex)
        {
            foreach (var pending in batch)
            {
                pending.Outcome.TrySetException(ex);
            }
        }
        finally
        {
            _inFlight.Release();
        }
    }

    /// <summary>While a batch is being appended: the trace contexts of the submissions in it (for span links).</summary>
    public static readonly AsyncLocal<IReadOnlyList<ActivityContext>?> BatchSubmitters = new();

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
    }

    private sealed record Pending(string SignedEvent, TaskCompletionSource<SubmitOutcome> Outcome, Activity? Submitter);
}
