namespace Platform.Messaging.InProcess;

/// <summary>A message the broker gave up on, kept for inspection and republished on its dead-letter topic.</summary>
public sealed record DeadLetter(OutgoingEvent Event, string Subscriber, string Reason, int Attempts, DateTimeOffset At);
