using Microsoft.EntityFrameworkCore;
using Platform.Contracts;
using Platform.Contracts.Events;
using Platform.Messaging.Outbox;
using Platform.Messaging.Receipts;
using Platform.RecordVault.Data;

namespace Platform.RecordVault.Events;

/// <summary>Access-log entries are the rows whose signed audit events need ledger receipts (see <see cref="ReceiptReconciler{TContext}"/>).</summary>
public sealed class AccessReceiptHolder(RecordVaultDbContext db) : IReceiptHolder
{
    public string Topic => EventTopics.For<RecordAccessedV1>();

    public async Task<ReceiptBacklog> BacklogAsync(CancellationToken cancellationToken)
    {
        var awaiting = db.AccessLog.Where(a => a.Receipt == null);
        var count = await awaiting.CountAsync(cancellationToken);
        var oldest = count == 0 ? (long?)null : await awaiting.MinAsync(a => a.AtMs, cancellationToken);
        return new ReceiptBacklog(count, oldest is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null);
    }

    public async Task<IReadOnlyList<Guid>> AwaitingAsync(DateTimeOffset recordedBefore, int max, CancellationToken cancellationToken)
    {
        var cutoff = recordedBefore.ToUnixTimeMilliseconds();
        return await db.AccessLog.Where(a => a.Receipt == null && a.AtMs < cutoff)
            .OrderBy(a => a.AtMs).Take(max).Select(a => a.EventId).ToListAsync(cancellationToken);
    }

    public async Task<bool> StoreReceiptAsync(Guid eventId, long leafIndex, string receipt, CancellationToken cancellationToken) =>
        await db.AccessLog.Where(a => a.EventId == eventId && a.Receipt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.LeafIndex, leafIndex).SetProperty(a => a.Receipt, receipt), cancellationToken) > 0;

    public async Task RepublishAsync(Guid eventId, CancellationToken cancellationToken)
    {
        var entry = await db.AccessLog.AsNoTracking().SingleAsync(a => a.EventId == eventId, cancellationToken);
        db.AddIntegrationEvent(new RecordAccessedV1(entry.Patient, entry.Actor, entry.RecordHash, entry.DecisionId, entry.Outcome, entry.SignedEvent), "record-vault");
        await db.SaveChangesAsync(cancellationToken);
    }
}
