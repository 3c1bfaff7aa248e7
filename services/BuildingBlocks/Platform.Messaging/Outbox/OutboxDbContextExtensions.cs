using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Platform.Contracts;

namespace Platform.Messaging.Outbox;

public static class OutboxDbContextExtensions
{
    /// <summary>
    /// Queues an event in the outbox of this context. It is saved by the caller's own SaveChanges, in the same
    /// transaction as the state change, so the change and its event are stored together or not at all.
    /// </summary>
    public static OutboxMessage AddIntegrationEvent(this DbContext db, IntegrationEvent integrationEvent, string source)
    {
        var stamped = integrationEvent with
        {
            Source = source,
            TraceParent = integrationEvent.TraceParent ?? Activity.Current?.Id,
        };
        var message = new OutboxMessage
        {
            EventId = stamped.Id,
            Topic = EventTopics.For(stamped.GetType()),
            Payload = EventSerializer.Serialize(stamped),
            Source = source,
            TraceParent = stamped.TraceParent,
            OccurredAtUtc = stamped.OccurredAt.UtcDateTime,
            NextAttemptAtUtc = DateTime.UnixEpoch,
        };
        db.Set<OutboxMessage>().Add(message);
        return message;
    }
}
