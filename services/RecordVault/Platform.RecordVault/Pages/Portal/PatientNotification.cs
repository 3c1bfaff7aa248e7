namespace Platform.RecordVault.Pages.Portal;

/// <summary>Something the patient should know about, derived from what the vault recorded: what, when, and the access-log entry it comes from.</summary>
public sealed record PatientNotification(string Kind, DateTimeOffset At, string Title, string Text, Guid EventId, Guid RecordId)
{
    public const string BreakGlass = "break-glass";
    public const string AdminErasure = "admin-erasure";
}
