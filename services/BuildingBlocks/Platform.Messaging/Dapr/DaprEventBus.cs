using Dapr.Client;

namespace Platform.Messaging.Dapr;

/// <summary>
/// Publishes through the Dapr sidecar. The sidecar wraps the payload in a CloudEvent; the event's own id, source
/// and trace context are passed as CloudEvent overrides so that consumers see the id the outbox recorded.
/// </summary>
public sealed class DaprEventBus(DaprClient dapr, EventBusOptions options) : IEventBus
{
    public async Task PublishAsync(OutgoingEvent outgoing, CancellationToken cancellationToken)
    {
        using var activity = MessagingTelemetry.StartPublish(outgoing, "dapr");
        var metadata = new Dictionary<string, string>
        {
            ["cloudevent.id"] = outgoing.EventId.ToString(),
            ["cloudevent.source"] = outgoing.Source,
            ["cloudevent.type"] = outgoing.Topic,
        };
        if (outgoing.TraceParent is not null)
        {
            metadata["cloudevent.traceparent"] = outgoing.TraceParent;
        }
        await dapr.PublishByteEventAsync(options.PubSubName, outgoing.Topic, outgoing.Payload, "application/json", metadata, cancellationToken);
    }
}
