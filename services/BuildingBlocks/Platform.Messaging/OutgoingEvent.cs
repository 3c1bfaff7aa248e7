namespace Platform.Messaging;

/// <summary>An event ready to leave the service: already serialized, so the outbox relay never re-interprets it.</summary>
/// <param name="Topic">Topic (event type name and version).</param>
/// <param name="EventId">The event's id, also the CloudEvent id.</param>
/// <param name="Payload">UTF-8 JSON of the event.</param>
/// <param name="Source">Publishing service.</param>
/// <param name="TraceParent">W3C traceparent to continue on the consumer side.</param>
public sealed record OutgoingEvent(string Topic, Guid EventId, ReadOnlyMemory<byte> Payload, string Source, string? TraceParent);
