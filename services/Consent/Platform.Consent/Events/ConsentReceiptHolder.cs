using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Platform.Consent.Data;
using Platform.Contracts;
using Platform.Contracts.Events;
using Platform.Messaging.Outbox;
using Platform.Messaging.Receipts;

namespace Platform.Consent.Events;

/// <summary>Consent versions are the rows whose signed events need ledger receipts (see <see cref="ReceiptReconciler{TContext}"/>).</summary>
public sealed class ConsentReceiptHolder(ConsentDbContext db) : ReceiptRows<ConsentVersionRow>
{
    public override string Topic => EventTopics.For<ConsentChangedV1>();

    protected override IQueryable<ConsentVersionRow> Awaiting => db.ConsentVersions.Where(v => v.Receipt == null);

    protected override Expression<Func<ConsentVersionRow, long?>> RecordedAtMs => v => v.ChangedAtMs;

    protected override Expression<Func<ConsentVersionRow, Guid>> EventId => v => v.EventId;

    public override async Task<bool> StoreReceiptAsync(Guid eventId, long leafIndex, string receipt, CancellationToken cancellationToken) =>
        await Awaiting.Where(v => v.EventId == eventId)
            .ExecuteUpdateAsync(s => s.SetProperty(v => v.LeafIndex, leafIndex).SetProperty(v => v.Receipt, receipt), cancellationToken) > 0;

    public override async Task RepublishAsync(Guid eventId, CancellationToken cancellationToken)
    {
        var version = await db.ConsentVersions.AsNoTracking().SingleAsync(v => v.EventId == eventId, cancellationToken);
        var subject = await db.Consents.Where(c => c.Id == version.ConsentId).Select(c => c.Subject).SingleAsync(cancellationToken);
        db.AddIntegrationEvent(new ConsentChangedV1(version.ConsentId, subject, version.Version, version.Hash, version.SignedEvent), "consent");
        await db.SaveChangesAsync(cancellationToken);
    }
}
