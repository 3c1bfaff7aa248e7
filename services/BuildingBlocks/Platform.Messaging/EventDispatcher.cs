using System.Diagnostics;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Platform.Contracts;
using Platform.Messaging.Inbox;

namespace Platform.Messaging;

/// <summary>
/// Delivers one incoming event to this service's handlers, each exactly once: the handler's writes and its inbox
/// entry commit in one transaction of the service's own database, and an event already in the inbox is acknowledged
/// without running the handler again.
/// </summary>
public sealed partial class EventDispatcher<TContext>(
    IServiceProvider services,
    SubscriptionRegistry registry,
    TimeProvider time,
    ILogger<EventDispatcher<TContext>> logger) : IEventDispatcher where TContext : DbContext
{
    public async Task<DispatchOutcome> DispatchAsync(string topic, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        var subscriptions = registry.For(topic);
        if (subscriptions.Count == 0)
        {
            return DispatchOutcome.UnknownTopic;
        }

        IntegrationEvent integrationEvent;
        try
        {
            integrationEvent = EventSerializer.Deserialize(payload.Span, subscriptions[0].EventType);
        }
        catch (JsonException)
        {
            LogMalformed(logger, topic);
            return DispatchOutcome.Malformed;
        }

        using var activity = MessagingTelemetry.StartConsume(topic, integrationEvent);
        var outcome = DispatchOutcome.Success;
        foreach (var subscription in subscriptions)
        {
            var result = await HandleOnceAsync(subscription, integrationEvent, cancellationToken);
            outcome = (outcome, result) switch
            {
                (_, EventHandlingResult.Retry) => DispatchOutcome.Retry,
                (DispatchOutcome.Success, EventHandlingResult.Drop) => DispatchOutcome.Drop,
                _ => outcome,
            };
        }
        activity?.SetTag("messaging.outcome", outcome.ToString());
        return outcome;
    }

    private async Task<EventHandlingResult> HandleOnceAsync(EventSubscription subscription, IntegrationEvent integrationEvent, CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();
        var inbox = db.Set<InboxEntry>();
        if (await inbox.AnyAsync(e => e.EventId == integrationEvent.Id && e.Handler == subscription.HandlerName, cancellationToken))
        {
            LogDuplicate(logger, subscription.Topic, integrationEvent.Id, subscription.HandlerName);
            return EventHandlingResult.Success;
        }

        // A handler that only adds to the context is saved with its inbox entry by one SaveChanges (one transaction of
        // its own); any other handler runs inside an explicit transaction, since it may save on its own.
        await using var transaction = typeof(ISavesWithInboxEntry).IsAssignableFrom(subscription.HandlerType)
            ? null
            : await db.Database.BeginTransactionAsync(cancellationToken);
        EventHandlingResult result;
        try
        {
            result = await subscription.Invoke(scope.ServiceProvider, integrationEvent, cancellationToken);
            if (result == EventHandlingResult.Success)
            {
                inbox.Add(new InboxEntry
                {
                    EventId = integrationEvent.Id,
                    Handler = subscription.HandlerName,
                    Topic = subscription.Topic,
                    HandledAtUtc = time.GetUtcNow().UtcDateTime,
                });
                await db.SaveChangesAsync(cancellationToken);
                if (transaction is not null)
                {
                    await transaction.CommitAsync(cancellationToken);
                }
                scope.ServiceProvider.GetService<AfterHandlerCommit>()?.Run();
                return result;
            }
        }
        catch (DbUpdateException ex)
        {
            if (transaction is not null)
            {
                await transaction.RollbackAsync(CancellationToken.None);
            }
            if (await AlreadyHandledAsync(subscription, integrationEvent.Id))
            {
                // A concurrent delivery of the same event won the race; its commit stands, ours rolled back.
                return EventHandlingResult.Success;
            }
            LogHandlerFailed(logger, subscription.HandlerName, subscription.Topic, integrationEvent.Id, ex.GetType().Name, ex);
            return EventHandlingResult.Retry;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogHandlerFailed(logger, subscription.HandlerName, subscription.Topic, integrationEvent.Id, ex.GetType().Name, ex);
            result = EventHandlingResult.Retry;
        }
        if (transaction is not null)
        {
            await transaction.RollbackAsync(CancellationToken.None);
        }
        return result;
    }

    private async Task<bool> AlreadyHandledAsync(EventSubscription subscription, Guid eventId)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();
        return await db.Set<InboxEntry>().AnyAsync(e => e.EventId == eventId && e.Handler == subscription.HandlerName);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dropping a {Topic} event whose payload does not match its contract")]
    private static partial void LogMalformed(ILogger logger, string topic);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Topic} event {EventId} already handled by {Handler}; acknowledged again")]
    private static partial void LogDuplicate(ILogger logger, string topic, Guid eventId, string handler);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Handler} failed on {Topic} event {EventId} ({ErrorType}); it will be retried")]
    private static partial void LogHandlerFailed(ILogger logger, string handler, string topic, Guid eventId, string errorType, Exception exception);
}
