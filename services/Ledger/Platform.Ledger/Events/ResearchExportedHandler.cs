using Platform.Contracts.Events;
using Platform.Messaging;

namespace Platform.Ledger.Events;

/// <summary>Commits the record vault's signed research-export manifests (<c>research.exported</c>), like its access events.</summary>
public sealed class ResearchExportedHandler(SignedEventSubmission submission) : IIntegrationEventHandler<ResearchExportedV1>, ISavesWithInboxEntry
{
    public Task<EventHandlingResult> HandleAsync(ResearchExportedV1 integrationEvent, CancellationToken cancellationToken) =>
        submission.SubmitAsync(integrationEvent.SignedEvent, cancellationToken);
}
