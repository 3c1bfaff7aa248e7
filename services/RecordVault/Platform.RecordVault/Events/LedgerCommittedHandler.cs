using Microsoft.EntityFrameworkCore;
using Platform.Contracts.Events;
using Platform.Messaging;
using Platform.RecordVault.Data;

namespace Platform.RecordVault.Events;

/// <summary>Stores the ledger's receipt with the access-log entry or research export whose signed event was committed; other commits are not ours.</summary>
public sealed class LedgerCommittedHandler(RecordVaultDbContext db) : IIntegrationEventHandler<LedgerCommittedV1>
{
    public async Task<EventHandlingResult> HandleAsync(LedgerCommittedV1 integrationEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(integrationEvent);
        var entry = await db.AccessLog.FirstOrDefaultAsync(a => a.EventId == integrationEvent.CommittedEventId, cancellationToken);
        if (entry is null)
        {
            // A research export's manifest event, or not ours.
            await db.ResearchExports.Where(e => e.LedgerEventId == integrationEvent.CommittedEventId && e.Receipt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(e => e.LeafIndex, integrationEvent.LeafIndex).SetProperty(e => e.Receipt, integrationEvent.Receipt), cancellationToken);
            return EventHandlingResult.Success;
        }
        entry.LeafIndex = integrationEvent.LeafIndex;
        entry.Receipt = integrationEvent.Receipt;
        await db.SaveChangesAsync(cancellationToken);
        return EventHandlingResult.Success;
    }
}
