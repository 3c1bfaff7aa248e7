using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Platform.Contracts;
using Platform.Contracts.Events;
using Platform.Messaging.Outbox;
using Platform.Messaging.Receipts;
using Platform.RecordVault.Data;

namespace Platform.RecordVault.Events;

/// <summary>Access-log entries are the rows whose signed audit events need ledger receipts (see <see cref="ReceiptReconciler{TContext}"/>).</summary>
public sealed class AccessReceiptHolder(RecordVaultDbContext db) : ReceiptRows<AccessLogRow>
{
    public override string Topic => EventTopics.For<RecordAccessedV1>();

    protected override IQueryable<AccessLogRow> Awaiting => db.AccessLog.Where(a => a.Receipt == null);

    protected override Expression<Func<AccessLogRow, long?>> RecordedAtMs => a => a.AtMs;

    protected override Expression<Func<AccessLogRow, Guid>> EventId => a => a.EventId;

    public override async Task<bool> StoreReceiptAsync(Guid eventId, long leafIndex, string receipt, CancellationToken cancellationToken) =>
        await Awaiting.Where(a => a.EventId == eventId)
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.LeafIndex, leafIndex).SetProperty(a => a.Receipt, receipt), cancellationToken) > 0;

    public override async Task RepublishAsync(Guid eventId, CancellationToken cancellationToken)
    {
        var entry = await db.AccessLog.AsNoTracking().SingleAsync(a => a.EventId == eventId, cancellationToken);
        db.AddIntegrationEvent(new RecordAccessedV1(entry.Patient, entry.Actor, entry.RecordHash, entry.DecisionId, entry.Outcome, entry.SignedEvent), "record-vault");
        await db.SaveChangesAsync(cancellationToken);
    }
}
