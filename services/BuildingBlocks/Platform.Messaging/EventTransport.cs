namespace Platform.Messaging;

/// <summary>How events travel (<c>EventBus:Transport</c>).</summary>
public enum EventTransport
{
    /// <summary>Within one process (the embedded dev host, tests).</summary>
    InProcess,

    /// <summary>Through the Dapr sidecar's pub/sub API (deployed).</summary>
    Dapr,
}
