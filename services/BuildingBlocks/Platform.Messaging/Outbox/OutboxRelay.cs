using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Platform.Messaging.Outbox;

/// <summary>
/// Publishes outbox messages in order and marks them sent. A publish that fails is retried with exponential
/// backoff; the relay never gives up on a message. Delivery is at-least-once: if the process dies after a
/// publish and before the mark, the message is published again and the consumer's inbox drops the repeat.
/// </summary>
public sealed partial class OutboxRelay<TContext>(
    IServiceProvider services,
    IEventBus bus,
    IOptions<OutboxOptions> options,
    TimeProvider time,
    ILogger<OutboxRelay<TContext>> logger) : BackgroundService where TContext : DbContext
{
    private readonly OutboxOptions _options = options.Value;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            int published;
            try
            {
                published = await RelayDueMessagesAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The database itself is unavailable; readiness reports it. Try again next round.
                LogRoundFailed(logger, ex.GetType().Name);
                published = 0;
            }
            if (published < _options.BatchSize)
            {
                await Task.Delay(_options.PollInterval, time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    /// <summary>One round: publish every due message of one batch. Returns how many were published.</summary>
    public async Task<int> RelayDueMessagesAsync(CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();
        var now = time.GetUtcNow().UtcDateTime;
        var due = await db.Set<OutboxMessage>()
            .Where(m => m.SentAtUtc == null && m.NextAttemptAtUtc <= now)
            .OrderBy(m => m.Sequence)
            .Take(_options.BatchSize)
            .ToListAsync(cancellationToken);

        var published = 0;
        foreach (var message in due)
        {
            try
            {
                await bus.PublishAsync(new OutgoingEvent(message.Topic, message.EventId, message.Payload, message.Source, message.TraceParent), cancellationToken);
                message.SentAtUtc = time.GetUtcNow().UtcDateTime;
                message.LastError = null;
                published++;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                message.Attempts++;
                message.LastError = ex.GetType().Name;
                message.NextAttemptAtUtc = time.GetUtcNow().UtcDateTime + _options.RetryDelayFor(message.Attempts);
                LogPublishFailed(logger, message.Topic, message.EventId, message.Attempts, ex.GetType().Name);
                // Keep order per service: later messages wait for the failed one's retry.
                await db.SaveChangesAsync(cancellationToken);
                break;
            }
            await db.SaveChangesAsync(cancellationToken);
        }

        await DeleteExpiredAsync(db, cancellationToken);
        return published;
    }

    private async Task DeleteExpiredAsync(TContext db, CancellationToken cancellationToken)
    {
        var cutoff = time.GetUtcNow().UtcDateTime - _options.SentRetention;
        await db.Set<OutboxMessage>().Where(m => m.SentAtUtc != null && m.SentAtUtc < cutoff).ExecuteDeleteAsync(cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Publishing {Topic} event {EventId} failed (attempt {Attempts}, {ErrorType}); will retry")]
    private static partial void LogPublishFailed(ILogger logger, string topic, Guid eventId, int attempts, string errorType);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox round failed ({ErrorType}); will retry")]
    private static partial void LogRoundFailed(ILogger logger, string errorType);
}
