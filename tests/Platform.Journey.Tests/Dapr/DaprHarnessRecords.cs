using System.Text.Json.Nodes;

namespace Platform.Journey.Tests.Dapr;

/// <summary>Harness settings. The retry count comes from components/resiliency.yaml; the intervals are shortened for tests.</summary>
public sealed class DaprHarnessOptions
{
    /// <summary>First delivery retry interval (daprd's exponential policy starts near 500 ms).</summary>
    public TimeSpan RetryInitialInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Growth per retry (daprd: about 1.5).</summary>
    public double RetryMultiplier { get; init; } = 1.5;

    /// <summary>Cap of the interval (resiliency.yaml: maxInterval 10s).</summary>
    public TimeSpan RetryMaxInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Overrides resiliency.yaml's maxRetries when set.</summary>
    public int? MaxRetries { get; init; }

    /// <summary>Timeout of one delivery to an app (resiliency.yaml: eventDelivery 30s).</summary>
    public TimeSpan DeliveryTimeout { get; init; } = TimeSpan.FromSeconds(30);
}

/// <summary>One publish request as a sidecar answered it (including refused ones and dead letters the sidecar sent).</summary>
public sealed record PublishRecord(
    string AppId, string PubSub, string Topic, int Status, string? ErrorCode, JsonObject? CloudEvent, bool DeadLetter, DateTimeOffset At)
{
    public bool Accepted => Status == 204;

    public string? EventId => CloudEvent?["id"]?.GetValue<string>();
}

/// <summary>How daprd reads an app's answer to one delivery.</summary>
public enum DeliveryVerdict
{
    /// <summary>2xx with status SUCCESS, an empty status, an empty or non-JSON body.</summary>
    Success,

    /// <summary>2xx with status RETRY, an unknown status, or a non-2xx other than 404; also a timeout or connection error.</summary>
    Retry,

    /// <summary>2xx with status DROP: dropped, logged as a warning, not retried, not dead-lettered.</summary>
    Drop,

    /// <summary>404: dropped with an error log, not retried, not dead-lettered.</summary>
    NotFound,
}

/// <summary>One delivery attempt of a CloudEvent to a consumer group's app.</summary>
public sealed record DeliveryRecord(
    string AppId, string Topic, string EventId, int Attempt, int HttpStatus, string? AppStatus, DeliveryVerdict Verdict,
    JsonObject CloudEvent, string ContentType, bool AppTokenSent, DateTimeOffset At);

/// <summary>What finally became of a message in a consumer group.</summary>
public enum MessageOutcome
{
    Delivered,
    Dropped,
    DroppedNotFound,
    DeadLettered,

    /// <summary>Retries exhausted and the subscription has no dead-letter topic.</summary>
    Discarded,
}

public sealed record OutcomeRecord(string AppId, string Topic, string EventId, MessageOutcome Outcome, int Attempts, string? DeadLetterTopic);

/// <summary>A subscription an app declared in <c>GET /dapr/subscribe</c>, and whether the component's scopes let daprd honour it.</summary>
public sealed record SubscriptionRecord(
    string AppId, string PubSub, string Topic, string Route, string? DeadLetterTopic, bool Allowed, string? Refusal, bool Observer);

/// <summary>One service invocation through a sidecar.</summary>
public sealed record InvocationRecord(
    string Caller, string Callee, string Method, string Path, int Status, bool AuthorizationForwarded, string? TraceParent, string? ErrorCode);
