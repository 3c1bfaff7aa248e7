using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Platform.RecordVault.Data;
using Platform.ServiceDefaults;

namespace Platform.RecordVault.Research;

/// <summary>
/// Runs research exports from the database, one at a time per vault instance, as <see cref="Fhir.Bulk.BulkExportWorker"/>
/// runs bulk exports: claims the oldest waiting export (or a running one whose lease ran out) with a conditional update,
/// deletes finished exports past their lifetime with their files, and marks an export that throws as failed with a
/// stable code and no files (the log names the exception type only).
/// </summary>
public sealed partial class ResearchExportWorker(IServiceScopeFactory scopes, ResearchExportSignal signal, IOptions<ResearchExportOptions> options,
    TimeProvider time, ILogger<ResearchExportWorker> logger) : BackgroundService
{
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
                LogWorkerFailed(logger, ex.GetType().Name);
                await Task.Delay(options.Value.PollInterval, time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    private async Task<bool> RunNextAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RecordVaultDbContext>();
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var expired = time.GetUtcNow().Subtract(options.Value.FileLifetime).ToUnixTimeMilliseconds();
        await db.ResearchExports.Where(e => e.CreatedAtMs < expired && e.Status != ResearchExportRow.Running && e.Status != ResearchExportRow.Accepted)
            .ExecuteDeleteAsync(cancellationToken);

        var next = await db.ResearchExports.AsNoTracking()
            .Where(e => e.Status == ResearchExportRow.Accepted || (e.Status == ResearchExportRow.Running && e.LeaseUntilMs < now))
            .OrderBy(e => e.CreatedAtMs).Select(e => (Guid?)e.Id).FirstOrDefaultAsync(cancellationToken);
        if (next is not { } exportId)
        {
            return false;
        }
        var lease = time.GetUtcNow().Add(options.Value.Lease).ToUnixTimeMilliseconds();
        var claimed = await db.ResearchExports
            .Where(e => e.Id == exportId && (e.Status == ResearchExportRow.Accepted || (e.Status == ResearchExportRow.Running && e.LeaseUntilMs < now)))
            .ExecuteUpdateAsync(s =>
            {
                s.SetProperty(e => e.Status, ResearchExportRow.Running);
                s.SetProperty(e => e.LeaseOwner, _worker);
                s.SetProperty(e => e.LeaseUntilMs, lease);
            }, cancellationToken);
        if (claimed != 1)
        {
            return true;
        }
        try
        {
            var finished = await scope.ServiceProvider.GetRequiredService<ResearchExportRunner>().RunAsync(exportId, _worker, cancellationToken);
            LogExportEnded(logger, exportId, finished ? "completed" : "taken over");
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await ReleaseAsync(db, exportId, ResearchExportRow.Accepted, error: null);
            throw;
        }
        catch (ResearchExportFailed failed)
        {
            LogExportFailed(logger, exportId, failed.Code);
            await ReleaseAsync(db, exportId, ResearchExportRow.Failed, failed.Code);
        }
        catch (ProblemException problem) when (problem.StatusCode == 503)
        {
            // The consent service or the key provider did not answer: the export fails with that code (409 on its
            // status, docs/research.md); the researcher starts a new one.
            LogExportFailed(logger, exportId, problem.ErrorCode ?? "unavailable");
            await ReleaseAsync(db, exportId, ResearchExportRow.Failed, problem.ErrorCode ?? "export_failed");
        }
        catch (Exception ex)
        {
            LogExportFailed(logger, exportId, ex.GetType().Name);
            await ReleaseAsync(db, exportId, ResearchExportRow.Failed, "export_failed");
        }
        return true;
    }

    private async Task ReleaseAsync(RecordVaultDbContext db, Guid exportId, string status, string? error)
    {
        db.ChangeTracker.Clear();
        await db.ResearchExports.Where(e => e.Id == exportId && e.LeaseOwner == _worker).ExecuteUpdateAsync(s =>
        {
            s.SetProperty(e => e.Status, status);
            s.SetProperty(e => e.Error, error);
            s.SetProperty(e => e.LeaseOwner, (Guid?)null);
        }, CancellationToken.None);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Research export {ExportId} failed ({Reason})")]
    private static partial void LogExportFailed(ILogger logger, Guid exportId, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Research export {ExportId} {Outcome}")]
    private static partial void LogExportEnded(ILogger logger, Guid exportId, string outcome);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The research export worker failed ({ExceptionType}); it tries again shortly")]
    private static partial void LogWorkerFailed(ILogger logger, string exceptionType);
}

/// <summary>Wakes the research export worker when an export is started.</summary>
public sealed class ResearchExportSignal
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
            // Already signalled.
        }
    }

    public async Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => await _semaphore.WaitAsync(timeout, cancellationToken);
}
