using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Platform.Identity.Testing;
using Platform.Journey.Tests.Dapr;

namespace Platform.Journey.Tests.CrossService;

/// <summary>Checks of the CloudEvents the harness's sidecars built and delivered.</summary>
public static partial class CloudEventAssert
{
    /// <summary>
    /// The envelope daprd sends, for an event a platform service published through its outbox: CloudEvents 1.0,
    /// the event's own id (the outbox id, equal to the payload's id), the publisher's app-id as source, the topic as
    /// type, JSON data inline, the topic and pubsub name, the trace context, and a time.
    /// </summary>
    public static void PublishedByService(JsonObject cloudEvent, string publisher, string topic)
    {
        var text = cloudEvent.ToJsonString();
        Assert.True(cloudEvent["specversion"]?.GetValue<string>() == "1.0", text);
        Assert.True(cloudEvent["source"]?.GetValue<string>() == publisher, text);
        Assert.True(cloudEvent["type"]?.GetValue<string>() == topic, text);
        Assert.True(cloudEvent["topic"]?.GetValue<string>() == topic, text);
        Assert.True(cloudEvent["pubsubname"]?.GetValue<string>() == "pubsub", text);
        Assert.True(cloudEvent["datacontenttype"]?.GetValue<string>() == "application/json", text);
        var data = Assert.IsType<JsonObject>(cloudEvent["data"]);
        Assert.True(Guid.TryParse(cloudEvent["id"]?.GetValue<string>(), out var id), text);
        Assert.Equal(id, Guid.Parse(data["id"]!.GetValue<string>()));
        Assert.Equal(publisher, data["source"]?.GetValue<string>());
        var traceParent = cloudEvent["traceparent"]?.GetValue<string>() ?? "";
        Assert.Matches(TraceParent(), traceParent);
        Assert.Equal(traceParent, cloudEvent["traceid"]?.GetValue<string>());
        Assert.NotNull(cloudEvent["tracestate"]);
        Assert.True(DateTimeOffset.TryParse(cloudEvent["time"]?.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var time), text);
        Assert.InRange(time, DateTimeOffset.UtcNow.AddMinutes(-10), DateTimeOffset.UtcNow.AddMinutes(1));
    }

    /// <summary>Every delivery of the event: a CloudEvent, with the app token, and the same envelope the publisher's sidecar built.</summary>
    public static void DeliveredAsPublished(DaprHarness dapr, DeliveryRecord delivery)
    {
        Assert.Equal(CloudEventEnvelope.ContentType, delivery.ContentType);
        Assert.True(delivery.AppTokenSent || delivery.AppId == "journey-observer", $"{delivery.AppId} got {delivery.EventId} without the app token");
        var published = dapr.Publishes.Where(p => p.Accepted && p.Topic == delivery.Topic && p.EventId == delivery.EventId).ToList();
        Assert.True(published.Count >= 1, $"{delivery.Topic} {delivery.EventId} was delivered but never published");
        Assert.Contains(published, p => JsonNode.DeepEquals(p.CloudEvent, delivery.CloudEvent));
    }

    /// <summary>The eventId inside a payload's signed event (consent.changed, access.recorded): what the ledger commits.</summary>
    public static Guid? SignedEventId(JsonObject cloudEvent) =>
        cloudEvent["data"]?["signedEvent"]?.GetValue<string>() is { } jws && jws.Split('.').Length == 3
            ? Jwt.Payload(jws).GetProperty("eventId").GetGuid()
            : null;

    [GeneratedRegex("^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$")]
    private static partial Regex TraceParent();
}
