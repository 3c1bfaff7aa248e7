namespace Platform.Contracts.Events;

/// <summary>
/// High-priority audit: a clinician read without consent under the emergency (break-glass) rule. Every one is
/// reviewed; the record vault also commits the access itself to the ledger.
/// </summary>
[IntegrationEventType("consent.break-glass", 1)]
public sealed record BreakGlassUsedV1(
    Guid DecisionId,
    string SubjectPseudonym,
    string ActorPseudonym,
    string Category,
    string Purpose,
    DateTimeOffset At) : IntegrationEvent;
