namespace Platform.Messaging;

/// <summary>
/// Publishes events to subscribers. Services do not call it directly for state changes: they add the event to
/// their outbox in the same transaction, and the outbox relay publishes through this.
/// </summary>
public interface IEventBus
{
    /// <summary>Returns once the transport has accepted the event (not once it is handled).</summary>
    Task PublishAsync(OutgoingEvent outgoing, CancellationToken cancellationToken);
}
