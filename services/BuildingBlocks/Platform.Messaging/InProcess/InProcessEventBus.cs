namespace Platform.Messaging.InProcess;

/// <summary>
/// Publishes to the in-process broker (the embedded host's transport). A publish completes only once every
/// subscribing service has handled the event, so the outbox marks a row sent only after the consumers' inboxes
/// committed it.
/// </summary>
public sealed class InProcessEventBus(InProcessBroker broker) : IEventBus
{
    public int MaxConcurrentPublishes => broker.Options.MaxConcurrentPublishes;

    public async Task PublishAsync(OutgoingEvent outgoing, CancellationToken cancellationToken)
    {
        using var activity = MessagingTelemetry.StartPublish(outgoing, "in-process");
        await broker.PublishAsync(outgoing, cancellationToken);
    }
}
