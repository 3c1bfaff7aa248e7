using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Platform.RecordVault.Data;
using Platform.RecordVault.Jobs;

namespace Platform.RecordVault.Fhir.Bulk;

/// <summary>
/// Runs export jobs from the database, one at a time per vault instance: claims the oldest waiting job (or a running
/// one whose lease ran out — its worker stopped, e.g. a restart) with a conditional update, so two instances never run
/// the same job, and deletes expired jobs with their files. A job that throws is marked failed (code
/// <c>export_failed</c>, no content in the log); its client sees a 500 OperationOutcome and may start again.
/// </summary>
public sealed partial class BulkExportWorker(IServiceScopeFactory scopes, JobSignal<ExportJobRow> signal, IOptions<BulkExportOptions> options,
    TimeProvider time, ILogger<BulkExportWorker> logger) : LeasedJobWorker<ExportJobRow>(signal, time)
{
    protected override TimeSpan PollInterval => options.Value.PollInterval;

    protected override void OnWorkerFailed(Exception exception) => LogWorkerFailed(logger, exception);

    /// <summary>Deletes what expired, then claims and runs one job; false when there was none.</summary>
    protected override async Task<bool> RunNextAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RecordVaultDbContext>();
        var now = Time.GetUtcNow().ToUnixTimeMilliseconds();
        await db.ExportJobs.Where(j => j.ExpiresAtMs < now).ExecuteDeleteAsync(cancellationToken);

        var (found, claimed, jobId) = await Lease.ClaimNextAsync(db.ExportJobs, options.Value.Lease, cancellationToken);
        if (!found || !claimed)
        {
            return found;
        }
        try
        {
            var finished = await scope.ServiceProvider.GetRequiredService<BulkExportRunner>().RunAsync(jobId, Lease.Worker, cancellationToken);
            LogJobEnded(logger, jobId, finished ? "completed" : "cancelled");
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutting down: hand the job back at once rather than leave it to the lease, so a restarted or another
            // replica's worker starts it again without waiting for the lease to run out.
            await Lease.ReleaseAsync(db, db.ExportJobs, jobId, ExportJobRow.Accepted, error: null);
            throw;
        }
        catch (Exception ex)
        {
            LogJobFailed(logger, jobId, ex.GetType().Name);
            await Lease.ReleaseAsync(db, db.ExportJobs, jobId, ExportJobRow.Failed, BulkExportProblems.ExportFailed);
        }
        return true;
    }

    // Exception types only: a message could quote stored content.
    [LoggerMessage(Level = LogLevel.Warning, Message = "Export job {JobId} failed ({ExceptionType})")]
    private static partial void LogJobFailed(ILogger logger, Guid jobId, string exceptionType);

    [LoggerMessage(Level = LogLevel.Information, Message = "Export job {JobId} {Outcome}")]
    private static partial void LogJobEnded(ILogger logger, Guid jobId, string outcome);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The export worker failed; it tries again shortly")]
    private static partial void LogWorkerFailed(ILogger logger, Exception exception);
}
