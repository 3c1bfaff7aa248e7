using Platform.Contracts.Events;
using Platform.Messaging;

namespace Platform.Ledger.Events;

/// <summary>Commits the record vault's signed access-audit events.</summary>
public sealed class RecordAccessedHandler(SignedEventSubmission submission) : IIntegrationEventHandler<RecordAccessedV1>
{
    public Task<EventHandlingResult> HandleAsync(RecordAccessedV1 integrationEvent, CancellationToken cancellationToken) =>
        submission.SubmitAsync(integrationEvent.SignedEvent, cancellationToken);
}
