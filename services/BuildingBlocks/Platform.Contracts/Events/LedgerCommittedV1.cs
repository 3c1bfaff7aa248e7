namespace Platform.Contracts.Events;

/// <summary>The ledger committed a submitted event; the receipt lets anyone verify inclusion offline.</summary>
/// <param name="CommittedEventId">Id of the event that was committed.</param>
/// <param name="LeafIndex">Its position in the Merkle log.</param>
/// <param name="Receipt">The inclusion receipt (JSON) against a quorum-signed checkpoint.</param>
[IntegrationEventType("ledger.committed", 1)]
public sealed record LedgerCommittedV1(
    Guid CommittedEventId,
    long LeafIndex,
    string Receipt) : IntegrationEvent;
