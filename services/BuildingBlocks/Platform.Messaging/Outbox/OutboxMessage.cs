// Times are UTC DateTime (not DateTimeOffset) so that SQLite can compare and order them in SQL.
namespace Platform.Messaging.Outbox;

/// <summary>An event written in the same transaction as the state change that raised it, waiting to be published.</summary>
public sealed class OutboxMessage
{
    /// <summary>Insertion order; the relay publishes in this order.</summary>
    public long Sequence { get; set; }

    public Guid EventId { get; set; }
    public string Topic { get; set; } = "";
    public byte[] Payload { get; set; } = [];
    public string Source { get; set; } = "";
    public string? TraceParent { get; set; }
    public DateTime OccurredAtUtc { get; set; }

    public int Attempts { get; set; }
    public DateTime NextAttemptAtUtc { get; set; }

    /// <summary>Exception type of the last failed attempt (never its message: it may hold a connection string).</summary>
    public string? LastError { get; set; }

    public DateTime? SentAtUtc { get; set; }
}
