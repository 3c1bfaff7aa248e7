namespace Platform.Contracts.Events;

/// <summary>A consent was granted, narrowed, revoked or expired. The signed event is what the ledger commits.</summary>
/// <param name="ConsentId">The consent's id (not personal data).</param>
/// <param name="SubjectPseudonym">Pseudonymous id of the patient.</param>
/// <param name="ConsentVersion">The consent's version after the change.</param>
/// <param name="ConsentHash">Hex SHA-256 of the consent's canonical form.</param>
/// <param name="SignedEvent">Compact JWS (ES256) over the event, signed by the consent service.</param>
[IntegrationEventType("consent.changed", 1)]
public sealed record ConsentChangedV1(
    Guid ConsentId,
    string SubjectPseudonym,
    int ConsentVersion,
    string ConsentHash,
    string SignedEvent) : IntegrationEvent;
