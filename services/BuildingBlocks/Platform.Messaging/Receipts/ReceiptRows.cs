using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;

namespace Platform.Messaging.Receipts;

/// <summary>
/// An <see cref="IReceiptHolder"/> over one table: the backlog and the awaiting ids come from which rows await a
/// receipt, when each was recorded and which signed event it carries; storing and republishing stay the table's own.
/// </summary>
/// <typeparam name="TRow">The EF Core entity that carries the signed event and, once committed, its receipt.</typeparam>
public abstract class ReceiptRows<TRow> : IReceiptHolder
    where TRow : class
{
    public abstract string Topic { get; }

    /// <summary>The rows whose signed event has no receipt yet.</summary>
    protected abstract IQueryable<TRow> Awaiting { get; }

    /// <summary>When a row was recorded (Unix milliseconds): the backlog's age and the reconciler's order.</summary>
    protected abstract Expression<Func<TRow, long?>> RecordedAtMs { get; }

    /// <summary>The id of the signed event a row carries.</summary>
    protected abstract Expression<Func<TRow, Guid>> EventId { get; }

    public async Task<ReceiptBacklog> BacklogAsync(CancellationToken cancellationToken)
    {
        var count = await Awaiting.CountAsync(cancellationToken);
        var oldest = count == 0 ? null : await Awaiting.MinAsync(RecordedAtMs, cancellationToken);
        return new ReceiptBacklog(count, oldest is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null);
    }

    public async Task<IReadOnlyList<Guid>> AwaitingAsync(DateTimeOffset recordedBefore, int max, CancellationToken cancellationToken)
    {
        var cutoff = new Cutoff(recordedBefore.ToUnixTimeMilliseconds());
        // The cutoff is read from a captured object, so EF Core sends it as a parameter (one cached query plan).
        var recordedAt = RecordedAtMs;
        var before = Expression.Lambda<Func<TRow, bool>>(
            Expression.LessThan(recordedAt.Body, Expression.Convert(Expression.Field(Expression.Constant(cutoff), nameof(Cutoff.Ms)), typeof(long?))),
            recordedAt.Parameters);
        return await Awaiting.Where(before).OrderBy(recordedAt).Take(max).Select(EventId).ToListAsync(cancellationToken);
    }

    public abstract Task<bool> StoreReceiptAsync(Guid eventId, long leafIndex, string receipt, CancellationToken cancellationToken);

    public abstract Task RepublishAsync(Guid eventId, CancellationToken cancellationToken);

    private sealed class Cutoff(long ms)
    {
        public readonly long Ms = ms;
    }
}
