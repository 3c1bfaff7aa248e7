using System.Collections.Concurrent;
using System.Diagnostics;
using Platform.Messaging;

namespace Platform.BuildingBlocks.Tests.Messaging;

/// <summary>Counts consumer spans per event id: each one is a delivery that reached a service's dispatcher.</summary>
public sealed class ConsumedActivities : IDisposable
{
    private readonly ActivityListener _listener;
    private readonly ConcurrentDictionary<string, int> _deliveries = new();

    public ConsumedActivities()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == MessagingTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStopped = activity =>
            {
                if (activity.Kind == ActivityKind.Consumer && activity.GetTagItem("messaging.message.id") is string id)
                {
                    _deliveries.AddOrUpdate(id, 1, (_, n) => n + 1);
                }
            },
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public int For(Guid eventId) => _deliveries.GetValueOrDefault(eventId.ToString());

    public void Dispose() => _listener.Dispose();
}
