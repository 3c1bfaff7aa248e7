namespace Platform.Contracts.Events;

/// <summary>A consent stopped permitting: revoked by the patient or an admin, or suspended with the grantee's credential.</summary>
[IntegrationEventType("consent.revoked", 1)]
public sealed record ConsentRevokedV1(
    Guid ConsentId,
    string SubjectPseudonym,
    string GranteeId,
    int ConsentVersion,
    string Reason) : IntegrationEvent;
