using Microsoft.EntityFrameworkCore;
using Platform.Contracts.Events;
using Platform.Messaging;
using Platform.Messaging.Outbox;
using Platform.RecordVault.Access;
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
            var export = await db.ResearchExports.FirstOrDefaultAsync(e => e.LedgerEventId == integrationEvent.CommittedEventId && e.Receipt == null, cancellationToken);
            if (export is not null)
            {
                export.LeafIndex = integrationEvent.LeafIndex;
                export.Receipt = integrationEvent.Receipt;
                // With the receipt (one save, through the outbox): the consent service shows each participant this export.
                db.AddIntegrationEvent(new ResearchExportIncludedV1(export.Id, export.StudyId, export.CompletedAtMs ?? 0, export.ManifestHash!,
                    integrationEvent.LeafIndex, ParseConsentIds(export.IncludedConsents)), AccessAudit.Source);
                await db.SaveChangesAsync(cancellationToken);
            }
            return EventHandlingResult.Success;
        }
        entry.LeafIndex = integrationEvent.LeafIndex;
        entry.Receipt = integrationEvent.Receipt;
        await db.SaveChangesAsync(cancellationToken);
        return EventHandlingResult.Success;
    }

    private static Guid[] ParseConsentIds(string? included) =>
        string.IsNullOrEmpty(included) ? [] : [.. included.Split(' ').Select(id => Guid.ParseExact(id, "N"))];
}
