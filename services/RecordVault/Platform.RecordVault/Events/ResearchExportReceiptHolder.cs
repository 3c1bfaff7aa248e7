using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Platform.Contracts;
using Platform.Contracts.Events;
using Platform.Messaging.Outbox;
using Platform.Messaging.Receipts;
using Platform.RecordVault.Access;
using Platform.RecordVault.Data;

namespace Platform.RecordVault.Events;

/// <summary>
/// Completed research exports are rows whose signed <c>research.exported</c> event (the manifest's hash) needs a ledger
/// receipt. Storing it also tells the consent service which opt-ins the export released
/// (<see cref="ResearchExportIncludedV1"/>, same save): patients see only exports whose manifest is on the ledger, so
/// an export whose <c>ledger.committed</c> was lost would otherwise never be shown to them.
/// </summary>
public sealed class ResearchExportReceiptHolder(RecordVaultDbContext db) : ReceiptRows<ResearchExportRow>
{
    public override string Topic => EventTopics.For<ResearchExportedV1>();

    protected override IQueryable<ResearchExportRow> Awaiting =>
        db.ResearchExports.Where(e => e.Status == ResearchExportRow.Completed && e.LedgerEventId != null && e.Receipt == null);

    protected override Expression<Func<ResearchExportRow, long?>> RecordedAtMs => e => e.CompletedAtMs;

    protected override Expression<Func<ResearchExportRow, Guid>> EventId => e => e.LedgerEventId!.Value;

    public override async Task<bool> StoreReceiptAsync(Guid eventId, long leafIndex, string receipt, CancellationToken cancellationToken)
    {
        var export = await db.ResearchExports.FirstOrDefaultAsync(e => e.LedgerEventId == eventId && e.Receipt == null, cancellationToken);
        if (export is null)
        {
            return false;
        }
        export.LeafIndex = leafIndex;
        export.Receipt = receipt;
        // Should the event path and the reconciler both store it at once, the consent service gets the list twice:
        // its handler keeps one row per export and opt-in.
        db.AddIntegrationEvent(new ResearchExportIncludedV1(export.Id, export.StudyId, export.CompletedAtMs ?? 0, export.ManifestHash!,
            leafIndex, ParseConsentIds(export.IncludedConsents)), AccessAudit.Source);
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }

    public override async Task RepublishAsync(Guid eventId, CancellationToken cancellationToken)
    {
        var export = await db.ResearchExports.AsNoTracking().SingleAsync(e => e.LedgerEventId == eventId, cancellationToken);
        db.AddIntegrationEvent(new ResearchExportedV1(export.Id, export.ManifestHash!, export.SignedEvent!), AccessAudit.Source);
        await db.SaveChangesAsync(cancellationToken);
    }

    private static Guid[] ParseConsentIds(string? included) =>
        string.IsNullOrEmpty(included) ? [] : [.. included.Split(' ').Select(id => Guid.ParseExact(id, "N"))];
}
