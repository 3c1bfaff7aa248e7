namespace Platform.Messaging;

/// <summary>Entry point a transport uses to hand an incoming event to this service.</summary>
public interface IEventDispatcher
{
    Task<DispatchOutcome> DispatchAsync(string topic, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken);
}
