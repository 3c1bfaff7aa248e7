using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Platform.Ledger.Core;
using Platform.Ledger.Data;
using Platform.Ledger.Node;
using Platform.Ledger.Replication;
using Platform.Messaging;

namespace Platform.Ledger.Events;

/// <summary>
/// Commits a signed event that arrived on the bus and acknowledges it once it is committed: the receipt it owes the
/// publisher is recorded (<see cref="OwedReceipt"/>) in the same SaveChanges (one transaction) as the inbox entry, and
/// <see cref="FinalityReceiptPublisher"/> publishes <c>ledger.committed</c> when a final checkpoint covers it. A refused
/// event is dropped to the dead-letter topic only when the refusal is about the event itself; a refusal that can
/// resolve itself (<see cref="TransientRefusals"/>) or an unreachable majority means Retry, and the repeat is idempotent.
/// </summary>
public sealed partial class SignedEventSubmission(
    LedgerNode node,
    LedgerDbContext db,
    AfterHandlerCommit afterCommit,
    FinalityReceiptPublisher receipts,
    TimeProvider time,
    ILogger<SignedEventSubmission> logger)
{
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

        // Committed (or a repeat of a committed event, which is announced again: the publisher may have lost the first
        // announcement). The receipt is owed from now on, durably; no wait for finality inside this transaction.
        var eventId = outcome.EventId!.Value;
        // Only added: the dispatcher saves it with the inbox entry (the handlers are ISavesWithInboxEntry), so no
        // database transaction is open while the Raft commit above runs.
        if (await db.OwedReceipts.FindAsync([eventId], cancellationToken) is null)
        {
            db.OwedReceipts.Add(new OwedReceipt { EventId = eventId, LeafIndex = outcome.LeafIndex!.Value, OwedSinceUtc = time.GetUtcNow().UtcDateTime, TraceParent = Activity.Current?.Id });
        }
        afterCommit.Add(receipts.ReceiptOwed);
        return EventHandlingResult.Success;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "A signed event from the bus was refused for now ({ErrorCode}); it will be retried")]
    private static partial void LogRefusedForNow(ILogger logger, string errorCode);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A signed event from the bus was refused for good ({ErrorCode}); it goes to the dead-letter topic")]
    private static partial void LogRejected(ILogger logger, string errorCode);
}
