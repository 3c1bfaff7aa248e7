using Microsoft.Extensions.Hosting;
using Platform.ServiceDefaults;

namespace Platform.Messaging.InProcess;

/// <summary>Connects this service's subscriptions to the in-process broker while the service runs.</summary>
public sealed class InProcessSubscriptions(InProcessBroker broker, SubscriptionRegistry registry, IEventDispatcher dispatcher, ServiceIdentity service)
    : IHostedService
{
    private List<IAsyncDisposable> _subscriptions = [];

    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var topic in registry.Topics)
        {
            var deadLetterTopic = registry.For(topic)[0].DeadLetterTopic;
            _subscriptions.Add(broker.Subscribe(topic, service.Name, deadLetterTopic,
                (message, ct) => dispatcher.DispatchAsync(message.Topic, message.Payload, ct)));
        }
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        // Stop can run twice at once (a signal and the dev host's own shutdown): each takes the list exactly once.
        foreach (var subscription in Interlocked.Exchange(ref _subscriptions, []))
        {
            await subscription.DisposeAsync();
        }
    }
}
