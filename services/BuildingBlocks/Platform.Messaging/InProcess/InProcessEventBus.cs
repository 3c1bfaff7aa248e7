namespace Platform.Messaging.InProcess;

/// <summary>Publishes to the in-process broker (the embedded host's transport).</summary>
public sealed class InProcessEventBus(InProcessBroker broker) : IEventBus
{
    public async Task PublishAsync(OutgoingEvent outgoing, CancellationToken cancellationToken)
    {
        using var activity = MessagingTelemetry.StartPublish(outgoing, "in-process");
        await broker.PublishAsync(outgoing);
    }
}
