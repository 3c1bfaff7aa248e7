namespace Platform.Consent.Api;

/// <summary>
/// POST /consents. <c>Subject</c> is only for admins acting for a patient; a patient grants for themself.
/// <c>Actions</c> are FHIR consentaction codes (<c>access</c> = read, <c>correct</c> = write); omitted means read-only.
/// </summary>
public sealed record GrantRequest(
    string? Subject,
    GranteeView? Grantee,
    IReadOnlyList<string>? Categories,
    IReadOnlyList<string>? Purposes,
    DateTimeOffset? ValidFrom,
    DateTimeOffset? ValidUntil,
    IReadOnlyList<string>? Actions = null);

/// <summary>PATCH /consents/{id}: only narrows. Omitted fields stay as they are.</summary>
public sealed record NarrowRequest(
    IReadOnlyList<string>? Categories,
    IReadOnlyList<string>? Purposes,
    DateTimeOffset? ValidFrom,
    DateTimeOffset? ValidUntil,
    int? ExpectedVersion,
    IReadOnlyList<string>? Actions = null);

/// <summary>POST /consents/{id}/revoke.</summary>
public sealed record RevokeRequest(int? ExpectedVersion);
