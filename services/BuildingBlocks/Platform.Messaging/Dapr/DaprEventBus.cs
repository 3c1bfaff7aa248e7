using System.Net.Http.Headers;

namespace Platform.Messaging.Dapr;

/// <summary>
/// Publishes through the sidecar's HTTP pub/sub API (<c>POST /v1.0/publish/{pubsub}/{topic}</c>). The sidecar wraps
/// the payload in a CloudEvent; the event's own id, source and type go in as CloudEvent overrides, so consumers see
/// the id the outbox recorded, and the traceparent header continues the trace. Plain HTTP rather than DaprClient's
/// gRPC keeps the contract visible and lets tests and the cross-service harness play the sidecar.
/// </summary>
public sealed class DaprEventBus(HttpClient http, DaprSidecar sidecar, EventBusOptions options) : IEventBus
{
    public async Task PublishAsync(OutgoingEvent outgoing, CancellationToken cancellationToken)
    {
        using var activity = MessagingTelemetry.StartPublish(outgoing, "dapr");
        var query = string.Join('&',
            Metadata("cloudevent.id", outgoing.EventId.ToString()),
            Metadata("cloudevent.source", outgoing.Source),
            Metadata("cloudevent.type", outgoing.Topic));
        var uri = new Uri(sidecar.HttpEndpoint,
            $"v1.0/publish/{Uri.EscapeDataString(options.PubSubName)}/{Uri.EscapeDataString(outgoing.Topic)}?{query}");

        using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new ReadOnlyMemoryContent(outgoing.Payload) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        if (outgoing.TraceParent is not null)
        {
            request.Headers.TryAddWithoutValidation("traceparent", outgoing.TraceParent);
        }
        sidecar.Authorize(request);

        using var response = await http.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            // The body may echo the payload; keep it out of the exception (and so out of logs).
            throw new HttpRequestException(
                $"The Dapr sidecar refused to publish {outgoing.Topic} (HTTP {(int)response.StatusCode}).", null, response.StatusCode);
        }
    }

    private static string Metadata(string key, string value) => $"metadata.{key}={Uri.EscapeDataString(value)}";
}
