using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Platform.Journey.Tests.Dapr;

/// <summary>
/// Wraps a published payload the way daprd does (CloudEvents 1.0 in structured JSON mode): id, source (the
/// publisher's app-id), type <c>com.dapr.event.sent</c>, specversion, datacontenttype, data (inline JSON for a JSON
/// content type), topic, pubsubname, traceid/traceparent/tracestate, time — each overridable with
/// <c>metadata.cloudevent.&lt;field&gt;</c>. A body that already is a CloudEvent is passed through with the missing
/// fields filled in.
/// </summary>
public static class CloudEventEnvelope
{
    public const string ContentType = "application/cloudevents+json";
    public const string DefaultType = "com.dapr.event.sent";

    private static readonly string[] Overridable =
        ["id", "source", "type", "specversion", "subject", "time", "traceid", "traceparent", "tracestate", "datacontenttype"];

    public static JsonObject Build(
        string appId, string pubsub, string topic, byte[] body, string? contentType,
        IReadOnlyDictionary<string, string> metadata, string? traceParent, string? traceState, DateTimeOffset now)
    {
        var mediaType = (contentType ?? "").Split(';')[0].Trim();
        JsonObject envelope;
        if (string.Equals(mediaType, ContentType, StringComparison.OrdinalIgnoreCase))
        {
            envelope = JsonNode.Parse(body) as JsonObject ?? throw new FormatException("A cloudevents+json body must be a JSON object.");
        }
        else
        {
            var dataContentType = mediaType.Length == 0 ? "text/plain" : mediaType;
            envelope = new JsonObject
            {
                ["datacontenttype"] = dataContentType,
                ["data"] = IsJson(dataContentType) ? ParseJsonOrString(body) : JsonValue.Create(Encoding.UTF8.GetString(body)),
            };
        }

        var traceparent = traceParent ?? NewTraceParent();
        SetIfMissing(envelope, "specversion", "1.0");
        SetIfMissing(envelope, "id", Guid.NewGuid().ToString());
        SetIfMissing(envelope, "source", appId);
        SetIfMissing(envelope, "type", DefaultType);
        SetIfMissing(envelope, "datacontenttype", "application/json");
        envelope["topic"] = topic;
        envelope["pubsubname"] = pubsub;
        SetIfMissing(envelope, "traceid", traceparent);
        SetIfMissing(envelope, "traceparent", traceparent);
        SetIfMissing(envelope, "tracestate", traceState ?? "");
        SetIfMissing(envelope, "time", now.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffffK", CultureInfo.InvariantCulture));

        foreach (var field in Overridable)
        {
            if (metadata.TryGetValue("cloudevent." + field, out var value) && value.Length > 0)
            {
                envelope[field] = value;
            }
        }
        return envelope;
    }

    public static byte[] Serialize(JsonObject envelope) => Encoding.UTF8.GetBytes(envelope.ToJsonString());

    private static bool IsJson(string mediaType) =>
        mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase) ||
        mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase) ||
        mediaType.Equals("text/json", StringComparison.OrdinalIgnoreCase);

    private static JsonNode? ParseJsonOrString(byte[] body)
    {
        try
        {
            return JsonNode.Parse(body);
        }
        catch (JsonException)
        {
            // daprd keeps a body it cannot parse as JSON as a string; the subscriber then meets what it was sent.
            return JsonValue.Create(Encoding.UTF8.GetString(body));
        }
    }

    private static void SetIfMissing(JsonObject envelope, string field, string value)
    {
        if (envelope[field] is null || (envelope[field] is JsonValue v && v.TryGetValue<string>(out var s) && s.Length == 0 && field != "tracestate"))
        {
            envelope[field] = value;
        }
    }

    private static string NewTraceParent() =>
        $"00-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16))}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}-01";
}
