using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Platform.RecordVault.Records;

/// <summary>
/// Once per start: gives FHIR records written before search keys existed (or by an older replica during an upgrade)
/// their search keys, in batches, then ends (<see cref="RecordStore.IndexBatchAsync"/>). New versions index
/// themselves as they are written, so after one pass nothing is left to do.
/// </summary>
public sealed partial class SearchKeyBackfill(IServiceScopeFactory scopes, TimeProvider time, ILogger<SearchKeyBackfill> logger) : BackgroundService
{
    private const int BatchSize = 100;
    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var total = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var indexed = await scope.ServiceProvider.GetRequiredService<RecordStore>().IndexBatchAsync(BatchSize, stoppingToken);
                total += indexed;
                if (indexed == 0)
                {
                    if (total > 0)
                    {
                        LogBackfilled(logger, total);
                    }
                    return;
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // The key provider or the database is not there yet: try again shortly.
                LogBackfillFailed(logger, ex);
                await Task.Delay(RetryAfter, time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "FHIR search keys backfilled for {Count} records")]
    private static partial void LogBackfilled(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A search-key backfill batch failed; it is retried shortly")]
    private static partial void LogBackfillFailed(ILogger logger, Exception exception);
}
