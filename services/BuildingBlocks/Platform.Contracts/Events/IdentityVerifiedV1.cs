namespace Platform.Contracts.Events;

/// <summary>A KYC case reached a decision.</summary>
/// <param name="AccountPseudonym">Pseudonymous id of the account.</param>
/// <param name="CaseId">The KYC case.</param>
/// <param name="Outcome">approved or rejected.</param>
/// <param name="AssuranceLevel">low, substantial or high (eIDAS style) when approved.</param>
[IntegrationEventType("identity.verified", 1)]
public sealed record IdentityVerifiedV1(
    string AccountPseudonym,
    Guid CaseId,
    string Outcome,
    string? AssuranceLevel) : IntegrationEvent;
