namespace Platform.ClinicianPortal.Apis;

/// <summary>A consent granted to the clinician, as the consent service shows it (<c>GET /clinicians/me/consents</c>).</summary>
public sealed record GrantedConsent(Guid Id, string Subject, IReadOnlyList<string> Categories, IReadOnlyList<string> Purposes,
    IReadOnlyList<string> Actions, DateTimeOffset ValidFrom, DateTimeOffset? ValidUntil, string Status);

/// <summary>A request for access the clinician made (<c>GET /access-requests</c>).</summary>
public sealed record AccessRequestSummary(Guid Id, string Patient, IReadOnlyList<string> Categories, IReadOnlyList<string> Purposes,
    int DurationMinutes, string Status, DateTimeOffset RequestedAt, DateTimeOffset ExpiresAt, Guid? ConsentId);

/// <summary>A record's metadata from the vault's list (never content).</summary>
public sealed record RecordSummary(Guid Id, string Patient, string Category, string Kind, string? ResourceType, string ContentType,
    int Version, long Length, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, bool Erased);

/// <summary>One record read: its content as text (FHIR JSON) or, for an attachment, only its type and size.</summary>
public sealed record RecordContent(Guid Id, string ContentType, string? Text, long Length, bool BreakGlass);

/// <summary>One of the clinician's own accesses, from the vault's audit (<c>GET /access-log/mine</c>).</summary>
public sealed record MyAccess(Guid EventId, Guid RecordId, string Patient, string Action, string Outcome, string? Purpose,
    string? Reason, string? BreakGlassReason, DateTimeOffset At, bool Committed);
