namespace Platform.RecordVault.Pages.Portal;

/// <summary>
/// Something the patient should know about: what, when, and where it comes from (an access-log entry, with its record;
/// or an event another service sent, without one).
/// </summary>
public sealed record PatientNotification(string Kind, DateTimeOffset At, string Title, string Text, Guid EventId, Guid? RecordId)
{
    public const string BreakGlass = "break-glass";
    public const string AdminErasure = "admin-erasure";
    public const string CredentialRevoked = "credential-revoked";

    /// <summary>Whether the access log holds the entry this notification comes from.</summary>
    public bool InAccessLog => RecordId is not null;
}
