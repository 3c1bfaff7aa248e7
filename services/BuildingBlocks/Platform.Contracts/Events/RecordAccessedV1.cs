namespace Platform.Contracts.Events;

/// <summary>A record was read, written, denied, or opened by break-glass; the signed audit event goes to the ledger.</summary>
/// <param name="SubjectPseudonym">Pseudonymous id of the patient the record belongs to.</param>
/// <param name="ActorPseudonym">Pseudonymous id of who asked.</param>
/// <param name="RecordHash">Hex SHA-256 of the record version's ciphertext.</param>
/// <param name="DecisionId">The consent decision that allowed or refused it.</param>
/// <param name="Outcome">permit, deny or break-glass.</param>
/// <param name="SignedEvent">Compact JWS (ES256) over the event, signed by the record vault.</param>
[IntegrationEventType("access.recorded", 1)]
public sealed record RecordAccessedV1(
    string SubjectPseudonym,
    string ActorPseudonym,
    string RecordHash,
    Guid DecisionId,
    string Outcome,
    string SignedEvent) : IntegrationEvent;
