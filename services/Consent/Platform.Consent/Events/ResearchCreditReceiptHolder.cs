using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Platform.Consent.Data;
using Platform.Contracts;
using Platform.Contracts.Events;
using Platform.Messaging.Outbox;
using Platform.Messaging.Receipts;

namespace Platform.Consent.Events;

/// <summary>
/// Research compensation credits are rows whose signed <c>research.credited</c> event needs a ledger receipt: the
/// shared <see cref="LedgerReceiptWriteBack"/> and <see cref="ReceiptReconciler{TContext}"/> store it here, so a lost
/// <c>ledger.committed</c> (or an event the ledger never received) leaves no credit "waiting for the ledger" for good.
/// </summary>
public sealed class ResearchCreditReceiptHolder(ConsentDbContext db) : ReceiptRows<ResearchCreditRow>
{
    public override string Topic => EventTopics.For<ResearchCreditedV1>();

    protected override IQueryable<ResearchCreditRow> Awaiting => db.ResearchCredits.Where(c => c.Receipt == null);

    protected override Expression<Func<ResearchCreditRow, long?>> RecordedAtMs => c => c.CreditedAtMs;

    protected override Expression<Func<ResearchCreditRow, Guid>> EventId => c => c.EventId;

    public override async Task<bool> StoreReceiptAsync(Guid eventId, long leafIndex, string receipt, CancellationToken cancellationToken) =>
        await Awaiting.Where(c => c.EventId == eventId)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.LeafIndex, leafIndex).SetProperty(c => c.Receipt, receipt), cancellationToken) > 0;

    public override async Task RepublishAsync(Guid eventId, CancellationToken cancellationToken)
    {
        var credit = await db.ResearchCredits.AsNoTracking().SingleAsync(c => c.EventId == eventId, cancellationToken);
        db.AddIntegrationEvent(new ResearchCreditedV1(credit.Id, credit.SignedEvent), "consent");
        await db.SaveChangesAsync(cancellationToken);
    }
}
