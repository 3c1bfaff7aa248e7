using Platform.Contracts;

namespace Platform.Messaging;

/// <summary>
/// Handles one event type. Runs in its own DI scope and database transaction; an exception means Retry.
/// Writes through the service's scoped DbContext commit together with the inbox entry, so a redelivered
/// event is never applied twice.
/// </summary>
public interface IIntegrationEventHandler<in TEvent> where TEvent : IntegrationEvent
{
    Task<EventHandlingResult> HandleAsync(TEvent integrationEvent, CancellationToken cancellationToken);
}
