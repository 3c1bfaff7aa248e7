using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Platform.RecordVault.Records;

/// <summary>Keeps rewrapping data keys in batches whenever some are not under the current KEK version (resumes after restarts).</summary>
public sealed partial class RewrapWorker(KeyRotation rotation, TimeProvider time, ILogger<RewrapWorker> logger) : BackgroundService
{
    private static readonly TimeSpan Idle = TimeSpan.FromSeconds(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await rotation.RewrapBatchAsync(stoppingToken) == 0)
                {
                    await Task.Delay(Idle, time, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                LogRewrapFailed(logger, ex);
                await Task.Delay(Idle, time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A rewrap batch failed; it is retried shortly")]
    private static partial void LogRewrapFailed(ILogger logger, Exception exception);
}
