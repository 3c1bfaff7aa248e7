namespace Platform.Messaging.Outbox;

/// <summary>
/// Lets a writer wake the outbox relay at once instead of leaving its row to the next poll
/// (<see cref="OutboxOptions.PollInterval"/>). For writers whose events are latency-bound (the ledger's receipts must
/// leave within one block interval of finality); the poll still covers every writer that does not wake it.
/// </summary>
public sealed class OutboxWakeup
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes at the next <see cref="Wake"/>. Take it before looking for rows, so a wake in between is not missed.</summary>
    public Task Next => Volatile.Read(ref _next).Task;

    /// <summary>Call after the transaction that wrote outbox rows has committed.</summary>
    public void Wake() =>
        Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
}
