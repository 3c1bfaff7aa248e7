namespace Platform.Contracts.Events;

/// <summary>A consent's validity window ended.</summary>
[IntegrationEventType("consent.expired", 1)]
public sealed record ConsentExpiredV1(
    Guid ConsentId,
    string SubjectPseudonym,
    string GranteeId,
    int ConsentVersion) : IntegrationEvent;
