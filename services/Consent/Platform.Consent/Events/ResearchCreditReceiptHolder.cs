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
public sealed class ResearchCreditReceiptHolder(ConsentDbContext db) : IReceiptHolder
{
    public string Topic => EventTopics.For<ResearchCreditedV1>();

    private IQueryable<ResearchCreditRow> Awaiting => db.ResearchCredits.Where(c => c.Receipt == null);

    public async Task<ReceiptBacklog> BacklogAsync(CancellationToken cancellationToken)
    {
        var count = await Awaiting.CountAsync(cancellationToken);
        var oldest = count == 0 ? (long?)null : await Awaiting.MinAsync(c => c.CreditedAtMs, cancellationToken);
        return new ReceiptBacklog(count, oldest is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null);
    }

    public async Task<IReadOnlyList<Guid>> AwaitingAsync(DateTimeOffset recordedBefore, int max, CancellationToken cancellationToken)
    {
        var cutoff = recordedBefore.ToUnixTimeMilliseconds();
        return await Awaiting.Where(c => c.CreditedAtMs < cutoff)
            .OrderBy(c => c.CreditedAtMs).Take(max).Select(c => c.EventId).ToListAsync(cancellationToken);
    }

    public async Task<bool> StoreReceiptAsync(Guid eventId, long leafIndex, string receipt, CancellationToken cancellationToken) =>
        await db.ResearchCredits.Where(c => c.EventId == eventId && c.Receipt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.LeafIndex, leafIndex).SetProperty(c => c.Receipt, receipt), cancellationToken) > 0;

    public async Task RepublishAsync(Guid eventId, CancellationToken cancellationToken)
    {
        var credit = await db.ResearchCredits.AsNoTracking().SingleAsync(c => c.EventId == eventId, cancellationToken);
        db.AddIntegrationEvent(new ResearchCreditedV1(credit.Id, credit.SignedEvent), "consent");
        await db.SaveChangesAsync(cancellationToken);
    }
}
