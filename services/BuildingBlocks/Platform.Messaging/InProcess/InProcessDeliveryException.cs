namespace Platform.Messaging.InProcess;

/// <summary>
/// A consumer group could not take an event now (it asked for retries until the attempts ran out, no member was
/// there, or its member left mid-delivery). The publisher keeps the event and sends it again later.
/// </summary>
public sealed class InProcessDeliveryException(string message) : Exception(message);
