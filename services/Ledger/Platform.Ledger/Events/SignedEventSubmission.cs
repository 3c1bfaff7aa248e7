using System.Text.Json;
using Microsoft.Extensions.Logging;
using Platform.Contracts.Events;
using Platform.Ledger.Core;
using Platform.Ledger.Data;
using Platform.Ledger.Node;
using Platform.Ledger.Replication;
using Platform.Messaging;
using Platform.Messaging.Outbox;

namespace Platform.Ledger.Events;

/// <summary>
/// Commits a signed event that arrived on the bus and announces it with its receipt (<c>ledger.committed</c>),
/// written to the outbox in the same transaction as the inbox entry. A refused event is dropped to the dead-letter
/// topic only when the refusal is about the event itself; a refusal that can resolve itself (<see cref="TransientRefusals"/>),
/// an unreachable majority or a receipt not ready yet means Retry, and the repeat is idempotent.
/// </summary>
public sealed partial class SignedEventSubmission(LedgerNode node, LedgerDbContext db, TimeProvider time, ILogger<SignedEventSubmission> logger)
{
    private static readonly TimeSpan ReceiptWait = TimeSpan.FromSeconds(10);

    public async Task<EventHandlingResult> SubmitAsync(string signedEvent, CancellationToken cancellationToken)
    {
        SubmitOutcome outcome;
        try
        {
            outcome = await node.SubmitAsync(signedEvent, cancellationToken);
        }
        catch (QuorumUnavailableException)
        {
            return EventHandlingResult.Retry;
        }
        if (outcome.Status == SubmitStatus.Rejected)
        {
            if (TransientRefusals.IsTransient(outcome.ErrorCode))
            {
                // Redelivered until the key is there; in process the publisher's outbox keeps it, so it is never lost.
                LogRefusedForNow(logger, outcome.ErrorCode!);
                return EventHandlingResult.Retry;
            }
            LogRejected(logger, outcome.ErrorCode!);
            return EventHandlingResult.Drop;
        }

        // No polling: the wait ends with the signature that makes a checkpoint covering the event final.
        ReceiptLookup lookup;
        using (var wait = new CancellationTokenSource(ReceiptWait, time))
        using (var linked = CancellationTokenSource.CreateLinkedTokenSource(wait.Token, cancellationToken))
        {
            try
            {
                lookup = await node.State.ReceiptWhenFinalAsync(outcome.EventId!.Value, outcome.LeafIndex!.Value, linked.Token);
            }
            catch (OperationCanceledException) when (wait.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                return EventHandlingResult.Retry; // committed; the receipt comes with a later block
            }
        }
        if (lookup.Status != ReceiptStatus.Ready)
        {
            return EventHandlingResult.Retry; // cannot happen for a committed event; retrying is safe (idempotent)
        }
        var receipt = lookup.Receipt!;
        db.AddIntegrationEvent(new LedgerCommittedV1(outcome.EventId.Value, outcome.LeafIndex!.Value, JsonSerializer.Serialize(receipt, EventSerializer.Options)), "ledger");
        await db.SaveChangesAsync(cancellationToken);
        return EventHandlingResult.Success;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "A signed event from the bus was refused for now ({ErrorCode}); it will be retried")]
    private static partial void LogRefusedForNow(ILogger logger, string errorCode);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A signed event from the bus was refused for good ({ErrorCode}); it goes to the dead-letter topic")]
    private static partial void LogRejected(ILogger logger, string errorCode);
}
