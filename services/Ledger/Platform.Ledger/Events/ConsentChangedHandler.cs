using Platform.Contracts.Events;
using Platform.Messaging;

namespace Platform.Ledger.Events;

/// <summary>Commits the consent service's signed consent events.</summary>
public sealed class ConsentChangedHandler(SignedEventSubmission submission) : IIntegrationEventHandler<ConsentChangedV1>
{
    public Task<EventHandlingResult> HandleAsync(ConsentChangedV1 integrationEvent, CancellationToken cancellationToken) =>
        submission.SubmitAsync(integrationEvent.SignedEvent, cancellationToken);
}
