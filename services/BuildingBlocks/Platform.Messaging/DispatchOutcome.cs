namespace Platform.Messaging;

/// <summary>What the dispatcher made of one delivery, before a transport turns it into its own wire answer.</summary>
public enum DispatchOutcome
{
    Success,
    Retry,
    Drop,

    /// <summary>No handler in this service subscribes to the topic.</summary>
    UnknownTopic,

    /// <summary>The payload is not the topic's contract; redelivering the same bytes cannot help.</summary>
    Malformed,
}
