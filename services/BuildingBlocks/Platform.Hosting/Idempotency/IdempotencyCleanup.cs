using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Platform.Hosting.Idempotency;

/// <summary>
/// Deletes expired idempotency keys every <see cref="IdempotencyOptions.CleanupInterval"/>. Expiry itself does not wait
/// for it: a look-up treats an expired key as unknown. A service whose database has no idempotency table (the
/// ledger) has nothing to clean.
/// </summary>
public sealed partial class IdempotencyCleanup<TContext>(
    IServiceProvider services, IOptions<IdempotencyOptions> options, TimeProvider time, ILogger<IdempotencyCleanup<TContext>> logger)
    : BackgroundService where TContext : DbContext
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.CleanupInterval, time);
        while (await TickAsync(timer, stoppingToken))
        {
            try
            {
                await using var scope = services.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<TContext>();
                if (db.Model.FindEntityType(typeof(IdempotencyRecord)) is null)
                {
                    return;
                }
                var deleted = await IdempotencyStore.DeleteExpiredAsync(db, time.GetUtcNow().UtcDateTime, stoppingToken);
                if (deleted > 0)
                {
                    LogDeleted(logger, deleted);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The database is unavailable; readiness reports it. Next round.
                LogFailed(logger, ex.GetType().Name);
            }
        }
    }

    private static async Task<bool> TickAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted {Count} expired idempotency keys")]
    private static partial void LogDeleted(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Deleting expired idempotency keys failed ({ExceptionType})")]
    private static partial void LogFailed(ILogger logger, string exceptionType);
}
