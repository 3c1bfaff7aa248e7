using Microsoft.EntityFrameworkCore;
using Platform.Consent.Data;
using Platform.Contracts.Events;
using Platform.Messaging;

namespace Platform.Consent.Events;

/// <summary>Stores the ledger's receipt with the consent version whose signed event was committed; other commits are not ours.</summary>
public sealed class LedgerCommittedHandler(ConsentDbContext db) : IIntegrationEventHandler<LedgerCommittedV1>
{
    public async Task<EventHandlingResult> HandleAsync(LedgerCommittedV1 integrationEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(integrationEvent);
        var version = await db.ConsentVersions.FirstOrDefaultAsync(v => v.EventId == integrationEvent.CommittedEventId, cancellationToken);
        if (version is null)
        {
            return EventHandlingResult.Success;
        }
        version.LeafIndex = integrationEvent.LeafIndex;
        version.Receipt = integrationEvent.Receipt;
        await db.SaveChangesAsync(cancellationToken);
        return EventHandlingResult.Success;
    }
}
