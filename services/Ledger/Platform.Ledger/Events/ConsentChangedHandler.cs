using Platform.Contracts.Events;
using Platform.Messaging;

namespace Platform.Ledger.Events;

/// <summary>Commits the consent service's signed consent events; its writes are saved with the inbox entry (no transaction open during the Raft commit).</summary>
public sealed class ConsentChangedHandler(SignedEventSubmission submission) : IIntegrationEventHandler<ConsentChangedV1>, ISavesWithInboxEntry
{
    public Task<EventHandlingResult> HandleAsync(ConsentChangedV1 integrationEvent, CancellationToken cancellationToken) =>
        submission.SubmitAsync(integrationEvent.SignedEvent, cancellationToken);
}
