using Platform.Contracts.Events;
using Platform.Messaging;

namespace Platform.Ledger.Events;

/// <summary>Commits the consent service's signed research credits (<c>research.credited</c>), like its consent events.</summary>
public sealed class ResearchCreditedHandler(SignedEventSubmission submission) : IIntegrationEventHandler<ResearchCreditedV1>, ISavesWithInboxEntry
{
    public Task<EventHandlingResult> HandleAsync(ResearchCreditedV1 integrationEvent, CancellationToken cancellationToken) =>
        submission.SubmitAsync(integrationEvent.SignedEvent, cancellationToken);
}
