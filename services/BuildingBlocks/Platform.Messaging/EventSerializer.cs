using System.Text.Json;
using Platform.Contracts;

namespace Platform.Messaging;

/// <summary>One JSON shape for events on every transport and in the outbox (camelCase, web defaults).</summary>
public static class EventSerializer
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    public static byte[] Serialize(IntegrationEvent integrationEvent) =>
        JsonSerializer.SerializeToUtf8Bytes(integrationEvent, integrationEvent.GetType(), Options);

    /// <summary>Reads an event; throws <see cref="JsonException"/> for a payload that is not this contract.</summary>
    public static IntegrationEvent Deserialize(ReadOnlySpan<byte> payload, Type eventType)
    {
        var value = JsonSerializer.Deserialize(payload, eventType, Options) as IntegrationEvent
            ?? throw new JsonException("The payload is empty.");
        if (value.Id == Guid.Empty)
        {
            throw new JsonException("The event has no id.");
        }
        return value;
    }

    public static OutgoingEvent ToOutgoing(IntegrationEvent integrationEvent) =>
        new(EventTopics.For(integrationEvent.GetType()), integrationEvent.Id, Serialize(integrationEvent),
            integrationEvent.Source, integrationEvent.TraceParent);
}
