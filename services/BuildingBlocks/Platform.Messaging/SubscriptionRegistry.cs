namespace Platform.Messaging;

/// <summary>The topics this service consumes and the handlers for each.</summary>
public sealed class SubscriptionRegistry
{
    private readonly List<EventSubscription> _subscriptions = [];

    public SubscriptionRegistry(IEnumerable<EventSubscription> subscriptions)
    {
        foreach (var subscription in subscriptions)
        {
            Add(subscription);
        }
    }

    public IReadOnlyList<EventSubscription> All => _subscriptions;

    public IEnumerable<string> Topics => _subscriptions.Select(s => s.Topic).Distinct(StringComparer.Ordinal);

    public IReadOnlyList<EventSubscription> For(string topic) =>
        _subscriptions.Where(s => string.Equals(s.Topic, topic, StringComparison.Ordinal)).ToList();

    private void Add(EventSubscription subscription)
    {
        if (_subscriptions.Any(s => s.Topic == subscription.Topic && s.HandlerType == subscription.HandlerType))
        {
            throw new InvalidOperationException($"{subscription.HandlerType.Name} is already subscribed to {subscription.Topic}.");
        }
        if (_subscriptions.FirstOrDefault(s => s.Topic == subscription.Topic) is { } other && other.EventType != subscription.EventType)
        {
            throw new InvalidOperationException($"Topic {subscription.Topic} is bound to {other.EventType.Name}, not {subscription.EventType.Name}.");
        }
        _subscriptions.Add(subscription);
    }
}
