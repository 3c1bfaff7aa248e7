namespace Platform.Messaging.Receipts;

/// <summary>
/// A service's rows that carry a signed event for the ledger and, once it is committed, its receipt (consent
/// versions, vault access-log entries, research exports). Scoped: it works on the service's own DbContext. A service
/// may hold several kinds (<see cref="ReceiptReconciliationSetup.AddReceiptHolder{THolder}"/>); the ledger's
/// <c>ledger.committed</c> (<see cref="LedgerReceiptWriteBack"/>) and the reconciler both store receipts through it.
/// </summary>
public interface IReceiptHolder
{
    /// <summary>The topic this service publishes its signed events on (its pending outbox rows mean "still on the way").</summary>
    string Topic { get; }

    /// <summary>How many rows have no receipt yet, and when the oldest was recorded.</summary>
    Task<ReceiptBacklog> BacklogAsync(CancellationToken cancellationToken);

    /// <summary>Signed-event ids without a receipt recorded before <paramref name="recordedBefore"/>, oldest first.</summary>
    Task<IReadOnlyList<Guid>> AwaitingAsync(DateTimeOffset recordedBefore, int max, CancellationToken cancellationToken);

    /// <summary>
    /// Stores a receipt the ledger gave for the signed event when one of this holder's rows carries it and has none yet
    /// (with whatever must follow the receipt, in the same save). False when no such row: another holder's, or stored.
    /// </summary>
    Task<bool> StoreReceiptAsync(Guid eventId, long leafIndex, string receipt, CancellationToken cancellationToken);

    /// <summary>
    /// Adds a fresh integration event carrying the same signed event to the outbox and saves it. The ledger commits
    /// a signed event at most once (by its id) and announces it again with its receipt if it already has it.
    /// </summary>
    Task RepublishAsync(Guid eventId, CancellationToken cancellationToken);
}

/// <summary>Rows awaiting a ledger receipt: how many, and when the oldest was recorded (null when none).</summary>
public sealed record ReceiptBacklog(int Count, DateTimeOffset? OldestRecordedAt)
{
    public TimeSpan OldestAge(DateTimeOffset now) => OldestRecordedAt is { } at && now > at ? now - at : TimeSpan.Zero;

    /// <summary>The backlog of every kind of row a service holds: the counts added, the oldest of all.</summary>
    public static async Task<ReceiptBacklog> OfAsync(IEnumerable<IReceiptHolder> holders, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(holders);
        var total = new ReceiptBacklog(0, null);
        foreach (var holder in holders)
        {
            var backlog = await holder.BacklogAsync(cancellationToken);
            var oldest = (total.OldestRecordedAt, backlog.OldestRecordedAt) switch
            {
                ({ } a, { } b) => a < b ? a : b,
                (var a, var b) => a ?? b,
            };
            total = new ReceiptBacklog(total.Count + backlog.Count, oldest);
        }
        return total;
    }
}
