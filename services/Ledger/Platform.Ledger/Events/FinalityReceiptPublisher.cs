using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Platform.Contracts.Events;
using Platform.Ledger.Core;
using Platform.Ledger.Data;
using Platform.Messaging;
using Platform.Messaging.Outbox;

namespace Platform.Ledger.Events;

/// <summary>
/// Pushes receipts: publishes <c>ledger.committed</c> for the events this replica took from the bus
/// (<see cref="OwedReceipt"/> rows) as soon as a final checkpoint covers them. It sleeps until either a checkpoint
/// covering the oldest owed leaf becomes final on this replica (<see cref="LedgerState.WhenFinalAsync"/>, released by
/// the very signature that makes it final, or by a snapshot install) or a consumer committed new owed rows
/// (<see cref="ReceiptOwed"/>); nothing polls. The receipts go through this replica's outbox, written in the same
/// transaction that deletes the owed rows, and the relay is woken at once, so a receipt leaves within moments of
/// finality and survives a crash at any point (owed rows and outbox rows are both durable; at worst a receipt is
/// published twice and the publisher stores the same receipt again).
/// </summary>
public sealed partial class FinalityReceiptPublisher(
    IServiceScopeFactory scopes,
    LedgerState state,
    OutboxWakeup outbox,
    TimeProvider time,
    ILogger<FinalityReceiptPublisher> logger) : BackgroundService
{
    private const int BatchSize = 500;
    private static readonly TimeSpan RetryAfterFailure = TimeSpan.FromSeconds(1);

    private TaskCompletionSource _owed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    // One finality wait per leaf: new owed rows wake the loop often, and each new wait would stay queued until final.
    private (long Leaf, Task Final)? _finalityWait;

    /// <summary>Wakes the publisher: owed rows were committed (called after the consumer's transaction committed).</summary>
    public void ReceiptOwed() =>
        Interlocked.Exchange(ref _owed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            // Taken before the round reads the rows, so rows committed during the round wake the next one.
            var owed = Volatile.Read(ref _owed).Task;
            PublishRound round;
            try
            {
                round = await PublishFinalAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                LogRoundFailed(logger, ex.GetType().Name);
                await Task.Delay(RetryAfterFailure, time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                continue;
            }
            if (round.MoreReady)
            {
                continue;
            }
            Task wake = owed;
            if (round.OldestOwedLeaf is { } leaf)
            {
                if (_finalityWait is not { } wait || wait.Leaf != leaf)
                {
                    _finalityWait = wait = (leaf, state.WhenFinalAsync(leaf));
                }
                wake = Task.WhenAny(owed, wait.Final);
            }
            await wake.WaitAsync(stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>
    /// One round: every owed receipt a final checkpoint on this replica covers goes to the outbox (oldest leaves
    /// first, up to a batch). Says which leaf is the oldest still owed, if any.
    /// </summary>
    public async Task<PublishRound> PublishFinalAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LedgerDbContext>();
        var finalSize = state.LatestFinalSize;
        var owed = await db.OwedReceipts.OrderBy(o => o.LeafIndex).Take(BatchSize).ToListAsync(cancellationToken);
        var covered = owed.TakeWhile(o => o.LeafIndex < finalSize).ToList();
        foreach (var row in covered)
        {
            var lookup = state.ReceiptFor(row.EventId);
            if (lookup.Status == ReceiptStatus.Ready)
            {
                db.AddIntegrationEvent(new LedgerCommittedV1(row.EventId, lookup.LeafIndex!.Value,
                    JsonSerializer.Serialize(lookup.Receipt, EventSerializer.Options)) { TraceParent = row.TraceParent }, "ledger");
            }
            else
            {
                // Cannot happen for a committed leaf under a final checkpoint; the publisher's reconciler would still
                // fetch the receipt, so the row must not block the ones behind it.
                LogNotReady(logger, row.LeafIndex, lookup.Status.ToString());
            }
            db.OwedReceipts.Remove(row);
        }
        if (covered.Count > 0)
        {
            await db.SaveChangesAsync(cancellationToken);
            outbox.Wake();
        }
        var oldestOwed = covered.Count < owed.Count ? owed[covered.Count].LeafIndex : (long?)null;
        return new PublishRound(covered.Count, oldestOwed, MoreReady: owed.Count == BatchSize && covered.Count == owed.Count);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Publishing receipts failed ({ErrorType}); will retry")]
    private static partial void LogRoundFailed(ILogger logger, string errorType);

    [LoggerMessage(Level = LogLevel.Error, Message = "The receipt owed for leaf {LeafIndex} is {Status} under a final checkpoint; left to the publisher's reconciliation")]
    private static partial void LogNotReady(ILogger logger, long leafIndex, string status);
}

/// <summary>What one publishing round did.</summary>
/// <param name="Published">Receipts written to the outbox.</param>
/// <param name="OldestOwedLeaf">The oldest leaf whose receipt is still owed (no final checkpoint covers it yet), if any.</param>
/// <param name="MoreReady">A full batch went out: more covered rows may be waiting.</param>
public sealed record PublishRound(int Published, long? OldestOwedLeaf, bool MoreReady);
