namespace Platform.Messaging.Outbox;

/// <summary>Outbox relay settings (<c>EventBus:Outbox:*</c>).</summary>
public sealed class OutboxOptions
{
    /// <summary>How often the relay looks for due messages when idle.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Messages taken per round.</summary>
    public int BatchSize { get; set; } = 50;

    /// <summary>First retry delay after a failed publish; doubles per attempt up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan InitialRetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// A publish still running after this is abandoned and retried (the in-process transport's publish lasts until the
    /// consumers have handled the event; a consumer stuck that long must not hold the relay's slot forever).
    /// </summary>
    public TimeSpan PublishTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Sent messages older than this are deleted; pending ones are never deleted.</summary>
    public TimeSpan SentRetention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>
    /// When a failed row is due again. Not a Polly retry (the in-process broker's redelivery is one): this schedule
    /// is stored in the row's <c>NextAttemptAtUtc</c> and must survive a restart and be shared by replicas, while
    /// a Polly pipeline keeps its attempt count in memory within one call, and exposes no public way to ask it for
    /// the delay of attempt n. Same shape as Polly's exponential backoff without jitter, tested in OutboxRetryDelayTests.
    /// </summary>
    public TimeSpan RetryDelayFor(int attempts)
    {
        var exponent = Math.Clamp(attempts - 1, 0, 30);
        var delay = InitialRetryDelay.TotalMilliseconds * Math.Pow(2, exponent);
        return TimeSpan.FromMilliseconds(Math.Min(delay, MaxRetryDelay.TotalMilliseconds));
    }
}
