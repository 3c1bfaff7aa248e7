namespace Platform.Contracts.Events;

/// <summary>A patient granted a consent (pseudonymous ids and codes only).</summary>
[IntegrationEventType("consent.granted", 1)]
public sealed record ConsentGrantedV1(
    Guid ConsentId,
    string SubjectPseudonym,
    string GranteeId,
    int ConsentVersion,
    IReadOnlyList<string> Categories,
    IReadOnlyList<string> Purposes,
    DateTimeOffset ValidFrom,
    DateTimeOffset? ValidUntil) : IntegrationEvent;
