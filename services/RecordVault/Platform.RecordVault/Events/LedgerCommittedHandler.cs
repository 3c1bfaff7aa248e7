using Microsoft.EntityFrameworkCore;
using Platform.Contracts.Events;
using Platform.Messaging;
using Platform.RecordVault.Data;

namespace Platform.RecordVault.Events;

/// <summary>Stores the ledger's receipt with the access-log entry whose signed event was committed; other commits are not ours.</summary>
public sealed class LedgerCommittedHandler(RecordVaultDbContext db) : IIntegrationEventHandler<LedgerCommittedV1>
{
    public async Task<EventHandlingResult> HandleAsync(LedgerCommittedV1 integrationEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(integrationEvent);
        var entry = await db.AccessLog.FirstOrDefaultAsync(a => a.EventId == integrationEvent.CommittedEventId, cancellationToken);
        if (entry is null)
        {
            return EventHandlingResult.Success;
        }
        entry.LeafIndex = integrationEvent.LeafIndex;
        entry.Receipt = integrationEvent.Receipt;
        await db.SaveChangesAsync(cancellationToken);
        return EventHandlingResult.Success;
    }
}
