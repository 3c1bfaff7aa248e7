using Microsoft.EntityFrameworkCore;
using Platform.Consent.Data;
using Platform.Contracts;
using Platform.Contracts.Events;
using Platform.Messaging.Outbox;
using Platform.Messaging.Receipts;

namespace Platform.Consent.Events;

/// <summary>Consent versions are the rows whose signed events need ledger receipts (see <see cref="ReceiptReconciler{TContext}"/>).</summary>
public sealed class ConsentReceiptHolder(ConsentDbContext db) : IReceiptHolder
{
    public string Topic => EventTopics.For<ConsentChangedV1>();

    public async Task<ReceiptBacklog> BacklogAsync(CancellationToken cancellationToken)
    {
        var awaiting = db.ConsentVersions.Where(v => v.Receipt == null);
        var count = await awaiting.CountAsync(cancellationToken);
        var oldest = count == 0 ? (long?)null : await awaiting.MinAsync(v => v.ChangedAtMs, cancellationToken);
        return new ReceiptBacklog(count, oldest is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null);
    }

    public async Task<IReadOnlyList<Guid>> AwaitingAsync(DateTimeOffset recordedBefore, int max, CancellationToken cancellationToken)
    {
        var cutoff = recordedBefore.ToUnixTimeMilliseconds();
        return await db.ConsentVersions.Where(v => v.Receipt == null && v.ChangedAtMs < cutoff)
            .OrderBy(v => v.ChangedAtMs).Take(max).Select(v => v.EventId).ToListAsync(cancellationToken);
    }

    public async Task<bool> StoreReceiptAsync(Guid eventId, long leafIndex, string receipt, CancellationToken cancellationToken) =>
        await db.ConsentVersions.Where(v => v.EventId == eventId && v.Receipt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(v => v.LeafIndex, leafIndex).SetProperty(v => v.Receipt, receipt), cancellationToken) > 0;

    public async Task RepublishAsync(Guid eventId, CancellationToken cancellationToken)
    {
        var version = await db.ConsentVersions.AsNoTracking().SingleAsync(v => v.EventId == eventId, cancellationToken);
        var subject = await db.Consents.Where(c => c.Id == version.ConsentId).Select(c => c.Subject).SingleAsync(cancellationToken);
        db.AddIntegrationEvent(new ConsentChangedV1(version.ConsentId, subject, version.Version, version.Hash, version.SignedEvent), "consent");
        await db.SaveChangesAsync(cancellationToken);
    }
}
