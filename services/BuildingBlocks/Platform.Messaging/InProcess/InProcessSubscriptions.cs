using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Platform.ServiceDefaults;

namespace Platform.Messaging.InProcess;

/// <summary>Connects this service's subscriptions to the in-process broker while the service runs.</summary>
public sealed class InProcessSubscriptions(InProcessBroker broker, SubscriptionRegistry registry, IEventDispatcher dispatcher, ServiceIdentity service)
    : IHostedService
{
    private List<IAsyncDisposable> _subscriptions = [];

    /// <summary>
    /// Makes this service's consumer groups known to the broker before the service starts, so that events another
    /// service publishes before this one has subscribed wait for it instead of finding no reader. The dev host calls
    /// it for every service it has built, before starting any.
    /// </summary>
    public static void Declare(IServiceProvider services)
    {
        var broker = services.GetService<InProcessBroker>();
        if (broker is null)
        {
            return; // not the in-process transport
        }
        var registry = services.GetRequiredService<SubscriptionRegistry>();
        var name = services.GetRequiredService<ServiceIdentity>().Name;
        foreach (var topic in registry.Topics)
        {
            broker.Declare(topic, name, registry.For(topic)[0].DeadLetterTopic);
        }
    }

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
