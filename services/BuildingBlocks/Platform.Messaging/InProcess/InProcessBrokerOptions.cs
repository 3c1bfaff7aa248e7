namespace Platform.Messaging.InProcess;

/// <summary>
/// Delivery policy of the in-process broker, mirroring what a Dapr resiliency policy gives the deployed services
/// (<c>EventBus:InProcess:*</c>).
/// </summary>
public sealed class InProcessBrokerOptions
{
    /// <summary>
    /// Attempts per publish before the publish fails (the handler keeps answering Retry or throwing). The event is not
    /// dropped: the publisher's outbox keeps it and publishes it again after its own backoff.
    /// </summary>
    public int MaxDeliveryAttempts { get; set; } = 5;

    public TimeSpan InitialRetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a publish waits for a member when a known group has none (a service restarting).</summary>
    public TimeSpan MemberWait { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Publishes an outbox relay may have in flight at once. A publish lasts until the consumers have handled the
    /// event (the ledger's handler waits for a checkpoint, hundreds of milliseconds), so one at a time would cap
    /// each publisher at a few events per second. The ledger group-commits what arrives together, so the more in
    /// flight, the larger its batches: at 16 the relay, not the ledger, limited the end-to-end path to about 100
    /// events/s (docs/benchmarks.md, issue #18).
    /// </summary>
    public int MaxConcurrentPublishes { get; set; } = 128;
}
