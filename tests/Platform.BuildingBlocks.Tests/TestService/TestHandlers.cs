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

/// <summary>
/// Does what the event's behaviour says: "throw", "retry", "drop", "ok", "retry-until-N" (Retry until the N-th call),
/// or "wait" (blocks until the test opens <see cref="HandlerGate"/>).
/// </summary>
public sealed class ScriptedHandler(HandlerLog log, HandlerGate gate, TestDbContext db) : IIntegrationEventHandler<ScriptedV1>
{
    public async Task<EventHandlingResult> HandleAsync(ScriptedV1 integrationEvent, CancellationToken cancellationToken)
    {
        log.Record(integrationEvent.Id);
        if (integrationEvent.Behaviour.StartsWith("retry-until-", StringComparison.Ordinal))
        {
            var succeedAt = int.Parse(integrationEvent.Behaviour["retry-until-".Length..], System.Globalization.CultureInfo.InvariantCulture);
            return log.CallsFor(integrationEvent.Id) < succeedAt ? EventHandlingResult.Retry : EventHandlingResult.Success;
        }
        switch (integrationEvent.Behaviour)
        {
            case "throw":
                throw new InvalidOperationException("scripted failure");
            case "retry":
                return EventHandlingResult.Retry;
            case "drop":
                return EventHandlingResult.Drop;
            case "wait":
                gate.Entered.TrySetResult();
                await gate.Open.Task.WaitAsync(cancellationToken);
                db.HandledNotes.Add(new HandledNote { Id = Guid.NewGuid(), NoteId = integrationEvent.Id });
                await db.SaveChangesAsync(cancellationToken);
                return EventHandlingResult.Success;
            default:
                return EventHandlingResult.Success;
        }
    }
}

/// <summary>Holds a "wait" handler until the test opens it (singleton shared with the test).</summary>
public sealed class HandlerGate
{
    public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    public TaskCompletionSource Open { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>Counts handler invocations per event id (singleton shared with the test).</summary>
public sealed class HandlerLog
{
    private readonly ConcurrentDictionary<Guid, int> _calls = new();

    public void Record(Guid eventId) => _calls.AddOrUpdate(eventId, 1, (_, n) => n + 1);

    public int CallsFor(Guid eventId) => _calls.GetValueOrDefault(eventId);
}
