namespace Platform.Messaging.Inbox;

/// <summary>Marks that one handler has handled one event; written in the handler's own transaction.</summary>
public sealed class InboxEntry
{
    public Guid EventId { get; set; }
    public string Handler { get; set; } = "";
    public string Topic { get; set; } = "";
    public DateTime HandledAtUtc { get; set; }
}
