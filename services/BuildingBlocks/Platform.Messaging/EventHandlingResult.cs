namespace Platform.Messaging;

/// <summary>What a handler tells the transport, with Dapr's pub/sub semantics.</summary>
public enum EventHandlingResult
{
    /// <summary>Handled (or already handled before): acknowledge.</summary>
    Success,

    /// <summary>Could not be handled now (a dependency is down): redeliver later; dead-letter once attempts run out.</summary>
    Retry,

    /// <summary>Will never be handleable (poison): stop delivering and move it to the dead-letter topic.</summary>
    Drop,
}
