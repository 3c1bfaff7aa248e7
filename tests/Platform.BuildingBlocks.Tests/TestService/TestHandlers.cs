using System.Collections.Concurrent;
using Platform.Messaging;

namespace Platform.BuildingBlocks.Tests.TestService;

/// <summary>Writes one HandledNote per event through the scoped DbContext (inside the inbox transaction).</summary>
public sealed class NoteAddedHandler(TestDbContext db, HandlerLog log) : IIntegrationEventHandler<NoteAddedV1>
{
    public async Task<EventHandlingResult> HandleAsync(NoteAddedV1 integrationEvent, CancellationToken cancellationToken)
    {
        log.Record(integrationEvent.Id);
        db.HandledNotes.Add(new HandledNote { Id = Guid.NewGuid(), NoteId = integrationEvent.NoteId });
        await db.SaveChangesAsync(cancellationToken);
        return EventHandlingResult.Success;
    }
}

public sealed class ScriptedHandler(HandlerLog log) : IIntegrationEventHandler<ScriptedV1>
{
    public Task<EventHandlingResult> HandleAsync(ScriptedV1 integrationEvent, CancellationToken cancellationToken)
    {
        log.Record(integrationEvent.Id);
        return integrationEvent.Behaviour switch
        {
            "throw" => throw new InvalidOperationException("scripted failure"),
            "retry" => Task.FromResult(EventHandlingResult.Retry),
            "drop" => Task.FromResult(EventHandlingResult.Drop),
            _ => Task.FromResult(EventHandlingResult.Success),
        };
    }
}

/// <summary>Counts handler invocations per event id (singleton shared with the test).</summary>
public sealed class HandlerLog
{
    private readonly ConcurrentDictionary<Guid, int> _calls = new();

    public void Record(Guid eventId) => _calls.AddOrUpdate(eventId, 1, (_, n) => n + 1);

    public int CallsFor(Guid eventId) => _calls.GetValueOrDefault(eventId);
}
