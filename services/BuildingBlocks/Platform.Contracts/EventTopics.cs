using System.Reflection;

namespace Platform.Contracts;

/// <summary>Topic names derived from the contracts, so publisher and subscriber cannot disagree.</summary>
public static class EventTopics
{
    public const string DeadLetterSuffix = ".deadletter";

    public static string For<TEvent>() where TEvent : IntegrationEvent => For(typeof(TEvent));

    public static string For(Type eventType) =>
        eventType.GetCustomAttribute<IntegrationEventTypeAttribute>()?.Topic
        ?? throw new InvalidOperationException($"{eventType.Name} has no [IntegrationEventType]; every contract needs a name and version.");

    public static string DeadLetterFor(string topic) => topic + DeadLetterSuffix;
}
