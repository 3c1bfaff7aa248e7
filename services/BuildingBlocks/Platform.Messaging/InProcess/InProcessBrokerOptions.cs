namespace Platform.Messaging.InProcess;

/// <summary>
/// Delivery policy of the in-process broker, mirroring what a Dapr resiliency policy gives the deployed services
/// (<c>EventBus:InProcess:*</c>).
/// </summary>
public sealed class InProcessBrokerOptions
{
    /// <summary>Attempts per message before it goes to the dead-letter topic.</summary>
    public int MaxDeliveryAttempts { get; set; } = 5;

    public TimeSpan InitialRetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(10);
}
