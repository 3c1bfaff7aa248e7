using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Platform.RecordVault.Data;

namespace Platform.RecordVault.Fhir.Bulk;

/// <summary>
/// Runs export jobs from the database, one at a time per vault instance: claims the oldest waiting job (or a running
/// one whose lease ran out — its worker stopped, e.g. a restart) with a conditional update, so two instances never run
/// the same job, and deletes expired jobs with their files. A job that throws is marked failed (code
/// <c>export_failed</c>, no content in the log); its client sees a 500 OperationOutcome and may start again.
/// </summary>
public sealed partial class BulkExportWorker(IServiceScopeFactory scopes, BulkExportSignal signal, IOptions<BulkExportOptions> options,
    TimeProvider time, ILogger<BulkExportWorker> logger) : BackgroundService
{
    /// <summary>This instance's claim on the jobs it runs.</summary>
    private readonly Guid _worker = Guid.NewGuid();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (!await RunNextAsync(stoppingToken))
                {
                    await signal.WaitAsync(options.Value.PollInterval, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                LogWorkerFailed(logger, ex);
                await Task.Delay(options.Value.PollInterval, time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    /// <summary>Deletes what expired, then claims and runs one job; false when there was none.</summary>
    private async Task<bool> RunNextAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RecordVaultDbContext>();
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        await db.ExportJobs.Where(j => j.ExpiresAtMs < now).ExecuteDeleteAsync(cancellationToken);

        var next = await db.ExportJobs.AsNoTracking()
            .Where(j => j.Status == ExportJobRow.Accepted || (j.Status == ExportJobRow.Running && j.LeaseUntilMs < now))
            .OrderBy(j => j.CreatedAtMs).Select(j => (Guid?)j.Id).FirstOrDefaultAsync(cancellationToken);
        if (next is not { } jobId)
        {
            return false;
        }
        var lease = time.GetUtcNow().Add(options.Value.Lease).ToUnixTimeMilliseconds();
        var claimed = await db.ExportJobs
            .Where(j => j.Id == jobId && (j.Status == ExportJobRow.Accepted || (j.Status == ExportJobRow.Running && j.LeaseUntilMs < now)))
            .ExecuteUpdateAsync(s =>
            {
                s.SetProperty(j => j.Status, ExportJobRow.Running);
                s.SetProperty(j => j.LeaseOwner, _worker);
                s.SetProperty(j => j.LeaseUntilMs, lease);
            }, cancellationToken);
        if (claimed != 1)
        {
            return true;
        }
        try
        {
            var finished = await scope.ServiceProvider.GetRequiredService<BulkExportRunner>().RunAsync(jobId, _worker, cancellationToken);
            LogJobEnded(logger, jobId, finished ? "completed" : "cancelled");
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutting down: hand the job back at once rather than leave it to the lease, so a restarted or another
            // replica's worker starts it again without waiting for the lease to run out.
            await ReleaseAsync(db, jobId, ExportJobRow.Accepted, error: null);
            throw;
        }
        catch (Exception ex)
        {
            LogJobFailed(logger, jobId, ex.GetType().Name);
            await ReleaseAsync(db, jobId, ExportJobRow.Failed, BulkExportProblems.ExportFailed);
        }
        return true;
    }

    /// <summary>
    /// Gives up this worker's claim, leaving the job in <paramref name="status"/>. Only a running job has a lease owner
    /// (completion clears it, cancelling deletes the job), so a job that finished or went meanwhile is left alone.
    /// </summary>
    private async Task ReleaseAsync(RecordVaultDbContext db, Guid jobId, string status, string? error)
    {
        db.ChangeTracker.Clear();
        await db.ExportJobs.Where(j => j.Id == jobId && j.LeaseOwner == _worker).ExecuteUpdateAsync(s =>
        {
            s.SetProperty(j => j.Status, status);
            s.SetProperty(j => j.Error, error);
            s.SetProperty(j => j.LeaseOwner, (Guid?)null);
        }, CancellationToken.None);
    }

    // Exception types only: a message could quote stored content.
    [LoggerMessage(Level = LogLevel.Warning, Message = "Export job {JobId} failed ({ExceptionType})")]
    private static partial void LogJobFailed(ILogger logger, Guid jobId, string exceptionType);

    [LoggerMessage(Level = LogLevel.Information, Message = "Export job {JobId} {Outcome}")]
    private static partial void LogJobEnded(ILogger logger, Guid jobId, string outcome);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The export worker failed; it tries again shortly")]
    private static partial void LogWorkerFailed(ILogger logger, Exception exception);
}

/// <summary>Wakes the export worker when a job is accepted, so a small export does not wait for the next poll.</summary>
public sealed class BulkExportSignal
{
    private readonly SemaphoreSlim _semaphore = new(0, 1);

    public void Notify()
    {
        try
        {
            _semaphore.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already signalled: the worker will look once more, which covers this job too.
        }
    }

    public async Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        await _semaphore.WaitAsync(timeout, cancellationToken);
}
