using Platform.Contracts.Events;
using Platform.Messaging;

namespace Platform.Ledger.Events;

/// <summary>Commits the record vault's signed access-audit events; its writes are saved with the inbox entry (no transaction open during the Raft commit).</summary>
public sealed class RecordAccessedHandler(SignedEventSubmission submission) : IIntegrationEventHandler<RecordAccessedV1>, ISavesWithInboxEntry
{
    public Task<EventHandlingResult> HandleAsync(RecordAccessedV1 integrationEvent, CancellationToken cancellationToken) =>
        submission.SubmitAsync(integrationEvent.SignedEvent, cancellationToken);
}
