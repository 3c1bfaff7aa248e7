using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Platform.RecordVault.Data;
using Platform.RecordVault.Jobs;
using Platform.ServiceDefaults;

namespace Platform.RecordVault.Research;

/// <summary>
/// Runs research exports from the database, one at a time per vault instance, as <see cref="Fhir.Bulk.BulkExportWorker"/>
/// runs bulk exports: claims the oldest waiting export (or a running one whose lease ran out) with a conditional update,
/// deletes finished exports past their lifetime with their files, and marks an export that throws as failed with a
/// stable code and no files (the log names the exception type only).
/// </summary>
public sealed partial class ResearchExportWorker(IServiceScopeFactory scopes, JobSignal<ResearchExportRow> signal, IOptions<ResearchExportOptions> options,
    TimeProvider time, ILogger<ResearchExportWorker> logger) : LeasedJobWorker<ResearchExportRow>(signal, time)
{
    protected override TimeSpan PollInterval => options.Value.PollInterval;

    protected override void OnWorkerFailed(Exception exception) => LogWorkerFailed(logger, exception.GetType().Name);

    protected override async Task<bool> RunNextAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RecordVaultDbContext>();
        var expired = Time.GetUtcNow().Subtract(options.Value.FileLifetime).ToUnixTimeMilliseconds();
        await db.ResearchExports.Where(e => e.CreatedAtMs < expired && e.Status != ResearchExportRow.Running && e.Status != ResearchExportRow.Accepted)
            .ExecuteDeleteAsync(cancellationToken);

        var (found, claimed, exportId) = await Lease.ClaimNextAsync(db.ResearchExports, options.Value.Lease, cancellationToken);
        if (!found || !claimed)
        {
            return found;
        }
        try
        {
            var finished = await scope.ServiceProvider.GetRequiredService<ResearchExportRunner>().RunAsync(exportId, Lease.Worker, cancellationToken);
            LogExportEnded(logger, exportId, finished ? "completed" : "taken over");
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await Lease.ReleaseAsync(db, db.ResearchExports, exportId, ResearchExportRow.Accepted, error: null);
            throw;
        }
        catch (ResearchExportFailed failed)
        {
            LogExportFailed(logger, exportId, failed.Code);
            await Lease.ReleaseAsync(db, db.ResearchExports, exportId, ResearchExportRow.Failed, failed.Code);
        }
        catch (ProblemException problem) when (problem.StatusCode == 503)
        {
            // The consent service or the key provider did not answer: the export fails with that code (409 on its
            // status, docs/research.md); the researcher starts a new one.
            LogExportFailed(logger, exportId, problem.ErrorCode ?? "unavailable");
            await Lease.ReleaseAsync(db, db.ResearchExports, exportId, ResearchExportRow.Failed, problem.ErrorCode ?? "export_failed");
        }
        catch (Exception ex)
        {
            LogExportFailed(logger, exportId, ex.GetType().Name);
            await Lease.ReleaseAsync(db, db.ResearchExports, exportId, ResearchExportRow.Failed, "export_failed");
        }
        return true;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Research export {ExportId} failed ({Reason})")]
    private static partial void LogExportFailed(ILogger logger, Guid exportId, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Research export {ExportId} {Outcome}")]
    private static partial void LogExportEnded(ILogger logger, Guid exportId, string outcome);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The research export worker failed ({ExceptionType}); it tries again shortly")]
    private static partial void LogWorkerFailed(ILogger logger, string exceptionType);
}
