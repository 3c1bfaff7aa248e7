namespace Platform.Contracts.Events;

/// <summary>
/// The consent service credited a research participant with a study's compensation; the signed event carries the
/// blinded credit to the ledger. Nothing else travels: the credit's id is random, the event names no patient,
/// study, export or amount in clear.
/// </summary>
/// <param name="CreditId">The credit's random id (the consent service's row).</param>
/// <param name="SignedEvent">Compact JWS (ES256) over the <c>research.credited</c> payload, signed by the consent service.</param>
[IntegrationEventType("research.credited", 1)]
public sealed record ResearchCreditedV1(
    Guid CreditId,
    string SignedEvent) : IntegrationEvent;
