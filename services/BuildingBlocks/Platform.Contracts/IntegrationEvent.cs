using System.Text.Json.Serialization;

namespace Platform.Contracts;

/// <summary>
/// Base of every event that crosses a service boundary. Carries no personal health information: only
/// pseudonymous ids, hashes and signatures.
/// </summary>
public abstract record IntegrationEvent
{
    /// <summary>Unique id; consumers use it to handle a redelivered event once (inbox). A payload without one is rejected.</summary>
    [JsonRequired]
    public Guid Id { get; init; } = Guid.CreateVersion7();

    /// <summary>When the state change that raised the event happened.</summary>
    public DateTimeOffset OccurredAt { get; init; } = DateTimeOffset.UtcNow;

    /// <summary>The service that raised it (its Dapr app-id).</summary>
    public string Source { get; init; } = "";

    /// <summary>W3C traceparent of the operation that raised it, so a consumer continues the same trace.</summary>
    public string? TraceParent { get; init; }
}
