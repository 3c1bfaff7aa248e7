using System.Diagnostics;
using System.Diagnostics.Metrics;
using Platform.Contracts;

namespace Platform.Messaging;

/// <summary>Spans and counters for publishing and consuming, named after the OpenTelemetry messaging conventions.</summary>
public static class MessagingTelemetry
{
    public const string Name = "Platform.Messaging";

    private static readonly ActivitySource Source = new(Name);
    private static readonly Meter Meter = new(Name);
    private static readonly Counter<long> Consumed = Meter.CreateCounter<long>("platform.messaging.consumed", description: "Events delivered to a handler");
    private static readonly Counter<long> Published = Meter.CreateCounter<long>("platform.messaging.published", description: "Events accepted by the transport");

    /// <summary>Starts the consumer span as a child of the publisher's trace, so one trace spans services.</summary>
    public static Activity? StartConsume(string topic, IntegrationEvent integrationEvent)
    {
        Consumed.Add(1, new KeyValuePair<string, object?>("messaging.destination.name", topic));
        ActivityContext.TryParse(integrationEvent.TraceParent, null, out var parent);
        var activity = Source.StartActivity($"{topic} process", ActivityKind.Consumer, parent);
        activity?.SetTag("messaging.destination.name", topic);
        activity?.SetTag("messaging.message.id", integrationEvent.Id.ToString());
        return activity;
    }

    public static Activity? StartPublish(OutgoingEvent outgoing, string system)
    {
        Published.Add(1, new KeyValuePair<string, object?>("messaging.destination.name", outgoing.Topic));
        ActivityContext.TryParse(outgoing.TraceParent, null, out var parent);
        var activity = Source.StartActivity($"{outgoing.Topic} publish", ActivityKind.Producer, Activity.Current?.Context ?? parent);
        activity?.SetTag("messaging.system", system);
        activity?.SetTag("messaging.destination.name", outgoing.Topic);
        activity?.SetTag("messaging.message.id", outgoing.EventId.ToString());
        return activity;
    }
}
