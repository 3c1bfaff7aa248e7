namespace Platform.Messaging;

/// <summary>Event bus settings (<c>EventBus:*</c>).</summary>
public sealed class EventBusOptions
{
    public EventTransport Transport { get; set; } = EventTransport.InProcess;

    /// <summary>Name of the Dapr pub/sub component (components/pubsub.yaml).</summary>
    public string PubSubName { get; set; } = "pubsub";

    /// <summary>
    /// When set, calls from the sidecar must carry it in the <c>dapr-api-token</c> header (Dapr's APP_API_TOKEN),
    /// so nothing but the sidecar can inject events.
    /// </summary>
    public string? AppApiToken { get; set; }
}
