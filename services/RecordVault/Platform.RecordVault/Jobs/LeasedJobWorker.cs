using Microsoft.Extensions.Hosting;

namespace Platform.RecordVault.Jobs;

/// <summary>
/// The loop of a job table's worker: runs jobs one at a time while there are any, then sleeps until its
/// <see cref="JobSignal{TJob}"/> wakes it or the poll interval passes (jobs of other instances, expired leases). A
/// failure of the loop itself (the database away) is reported and retried after the poll interval.
/// </summary>
public abstract class LeasedJobWorker<TJob>(JobSignal<TJob> signal, TimeProvider time) : BackgroundService where TJob : class, ILeasedJob
{
    /// <summary>This instance's claim on the jobs it runs.</summary>
    protected JobLease<TJob> Lease { get; } = new(Guid.NewGuid(), time);

    /// <summary>The clock the leases and the waits run on (the derived worker's too).</summary>
    protected TimeProvider Time => time;

    protected abstract TimeSpan PollInterval { get; }

    /// <summary>Deletes what expired, then claims and runs one job; false when there was none.</summary>
    protected abstract Task<bool> RunNextAsync(CancellationToken cancellationToken);

    protected abstract void OnWorkerFailed(Exception exception);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (!await RunNextAsync(stoppingToken))
                {
                    await signal.WaitAsync(PollInterval, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                OnWorkerFailed(ex);
                await Task.Delay(PollInterval, time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }
}
