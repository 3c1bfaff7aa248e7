using Microsoft.Extensions.DependencyInjection;
using Platform.Contracts;

namespace Platform.Messaging;

/// <summary>One handler subscribed to one topic. The invoker is built at registration so dispatch needs no reflection.</summary>
public sealed record EventSubscription(
    string Topic,
    string DeadLetterTopic,
    Type EventType,
    Type HandlerType,
    Func<IServiceProvider, IntegrationEvent, CancellationToken, Task<EventHandlingResult>> Invoke)
{
    /// <summary>Stable name used as the inbox key, so each handler records its own progress.</summary>
    public string HandlerName => HandlerType.FullName ?? HandlerType.Name;

    public static EventSubscription Create<TEvent, THandler>()
        where TEvent : IntegrationEvent
        where THandler : class, IIntegrationEventHandler<TEvent>
    {
        var topic = EventTopics.For<TEvent>();
        return new EventSubscription(topic, EventTopics.DeadLetterFor(topic), typeof(TEvent), typeof(THandler),
            (services, e, ct) => services.GetRequiredService<THandler>().HandleAsync((TEvent)e, ct));
    }
}
