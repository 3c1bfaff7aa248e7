namespace Platform.Messaging;

/// <summary>
/// Publishes events to subscribers. Services do not call it directly for state changes: they add the event to
/// their outbox in the same transaction, and the outbox relay publishes through this.
/// </summary>
public interface IEventBus
{
    /// <summary>
    /// Returns once the transport has taken responsibility for the event: for Dapr, once the sidecar stored it in
    /// the broker; in process, once every subscribing service has handled it. Until then the outbox keeps it.
    /// </summary>
    Task PublishAsync(OutgoingEvent outgoing, CancellationToken cancellationToken);

    /// <summary>
    /// How many publishes the outbox relay may have in flight. One (the default) keeps the outbox's order on the
    /// broker; a transport whose publish waits for handling allows more.
    /// </summary>
    int MaxConcurrentPublishes => 1;
}
