using Platform.Contracts.Events;

namespace Platform.Messaging.Receipts;

/// <summary>
/// The event path of receipts: stores the ledger's receipt with the row whose signed event was committed, through the
/// service's <see cref="IReceiptHolder"/>s — the same code the <see cref="ReceiptReconciler{TContext}"/> stores a
/// looked-up receipt with, so a receipt that arrives either way has the same effect. Other services' commits are not ours.
/// </summary>
public sealed class LedgerReceiptWriteBack(IEnumerable<IReceiptHolder> holders) : IIntegrationEventHandler<LedgerCommittedV1>
{
    public async Task<EventHandlingResult> HandleAsync(LedgerCommittedV1 integrationEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(integrationEvent);
        foreach (var holder in holders)
        {
            if (await holder.StoreReceiptAsync(integrationEvent.CommittedEventId, integrationEvent.LeafIndex, integrationEvent.Receipt, cancellationToken))
            {
                break;
            }
        }
        return EventHandlingResult.Success;
    }
}
