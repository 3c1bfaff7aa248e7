using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Query;
using Microsoft.Extensions.Options;
using Platform.Contracts.CodeLists;
using Platform.RecordVault.Core;
using Platform.RecordVault.Data;
using Platform.RecordVault.Records;
using Platform.ServiceDefaults;
using R4 = Hl7.Fhir.Model;

namespace Platform.RecordVault.Fhir.Bulk;

/// <summary>
/// Runs one claimed export job: lists the patient's FHIR records of the job's types (and <c>_since</c>), reads each
/// through <see cref="RecordStore.ReadAsync"/> — so every exported resource is decided, written to the access log and
/// sent to the ledger exactly like a read through the API — and writes them as NDJSON, one file per type, encrypted
/// (<see cref="ExportFileCipher"/>). The files and the job's completion are saved in one transaction that also checks
/// the job is still this worker's: a cancelled job (its row deleted) saves nothing.
/// </summary>
public sealed class BulkExportRunner(RecordVaultDbContext db, RecordStore store, ExportFileCipher files, IOptions<BulkExportOptions> options, TimeProvider time)
{
    /// <summary>How many resources between progress updates (which also renew the lease and notice a cancel).</summary>
    private const int ProgressEvery = 20;

    /// <summary>Runs the job; false when it was cancelled (or taken over) while running.</summary>
    public async Task<bool> RunAsync(Guid jobId, Guid worker, CancellationToken cancellationToken)
    {
        var job = await db.ExportJobs.AsNoTracking().SingleOrDefaultAsync(j => j.Id == jobId, cancellationToken);
        if (job is null)
        {
            return false;
        }
        var types = job.Types.Split(',', StringSplitOptions.RemoveEmptyEntries);
        // The FHIR base the kick-off reached (the manifest's request URL begins with it).
        var baseUrl = job.Request[..(job.Request.IndexOf(FhirEndpoints.BasePath + "/", StringComparison.Ordinal) + FhirEndpoints.BasePath.Length)];
        var transactionTime = time.GetUtcNow().ToUnixTimeMilliseconds();
        var candidates = await (
            from r in db.Records.AsNoTracking()
            where r.Patient == job.Patient && r.Kind == RecordPayload.Fhir && r.ErasedAtMs == null && types.Contains(r.ResourceType!)
            join v in db.RecordVersions.AsNoTracking() on new { Id = r.Id, Version = r.CurrentVersion } equals new { Id = v.RecordId, v.Version }
            where job.SinceMs == null || v.CreatedAtMs > job.SinceMs
            orderby r.ResourceType, v.CreatedAtMs, r.Id
            select new { r.Id, Type = r.ResourceType!, r.CurrentVersion }).ToListAsync(cancellationToken);
        if (!await UpdateAsync(jobId, worker, s => s
                .SetProperty(j => j.TransactionTimeMs, transactionTime)
                .SetProperty(j => j.Total, candidates.Count)
                .SetProperty(j => j.Exported, 0), cancellationToken))
        {
            return false;
        }

        // The patient reads their own records: the owner's decision needs no consent service and no token.
        var caller = new RecordCaller(job.Requester, IsPatient: true, IsClinician: false, PurposesOfUse.Treatment, BreakGlass: false);
        var buffers = new Dictionary<string, (MemoryStream Stream, FhirNdjsonWriter Writer)>(StringComparer.Ordinal);
        using var errors = new MemoryStream();
        var errorWriter = new FhirNdjsonWriter(errors);
        try
        {
            var done = 0;
            foreach (var candidate in candidates)
            {
                try
                {
                    // The version listed, so the export is as of transactionTime even if the record changes meanwhile.
                    var (record, version, content) = await store.ReadAsync(caller, candidate.Id, candidate.CurrentVersion, cancellationToken);
                    if (!buffers.TryGetValue(candidate.Type, out var buffer))
                    {
                        var stream = new MemoryStream();
                        buffer = (stream, new FhirNdjsonWriter(stream));
                        buffers[candidate.Type] = buffer;
                    }
                    // A DocumentReference's Binary/{id} becomes an absolute URL the same token downloads (Bulk Data: Attachment.url).
                    await buffer.Writer.WriteAsync(FhirDocumentAttachments.WithAbsoluteUrls(FhirContent.Stamped(content, record, version), baseUrl), cancellationToken);
                }
                catch (ProblemException ex) when (ex.StatusCode is StatusCodes.Status404NotFound or StatusCodes.Status410Gone)
                {
                    // Erased since it was listed: nothing to export, and nothing to say about it.
                }
                catch (ProblemException ex) when (ex.StatusCode >= StatusCodes.Status500InternalServerError)
                {
                    // A record that fails its integrity check is named in the error file (id and type only), not exported.
                    await errorWriter.WriteAsync(Platform.Fhir.FhirOutcomeWriter.Outcome(ex.StatusCode, ex.Title,
                        $"{candidate.Type}/{candidate.Id:D} could not be exported.", ex.ErrorCode), cancellationToken);
                }
                db.ChangeTracker.Clear();
                if (++done % ProgressEvery == 0 && !await UpdateAsync(jobId, worker, s => s.SetProperty(j => j.Exported, done), cancellationToken))
                {
                    return false;
                }
            }

            var rows = new List<ExportFileRow>();
            foreach (var (type, buffer) in buffers.OrderBy(b => b.Key, StringComparer.Ordinal))
            {
                buffer.Stream.Position = 0;
                rows.Add(await files.EncryptAsync(jobId, job.Patient, ExportFileRow.Output, type, buffer.Writer.Count, buffer.Stream, cancellationToken));
            }
            if (errorWriter.Count > 0)
            {
                errors.Position = 0;
                rows.Add(await files.EncryptAsync(jobId, job.Patient, ExportFileRow.Error, "OperationOutcome", errorWriter.Count, errors, cancellationToken));
            }
            return await CompleteAsync(jobId, worker, candidates.Count, rows, cancellationToken);
        }
        finally
        {
            foreach (var buffer in buffers.Values)
            {
                buffer.Stream.Dispose();
            }
        }
    }

    private async Task<bool> CompleteAsync(Guid jobId, Guid worker, int total, List<ExportFileRow> rows, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var mine = await UpdateAsync(jobId, worker, s => s
            .SetProperty(j => j.Status, ExportJobRow.Completed)
            .SetProperty(j => j.Exported, total)
            .SetProperty(j => j.CompletedAtMs, now.ToUnixTimeMilliseconds())
            .SetProperty(j => j.ExpiresAtMs, now.Add(options.Value.FileLifetime).ToUnixTimeMilliseconds())
            .SetProperty(j => j.LeaseOwner, (Guid?)null), cancellationToken);
        if (!mine)
        {
            return false;
        }
        db.ExportFiles.AddRange(rows);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>Changes the job while it is still running under this worker's claim (and renews the claim); false when it is not.</summary>
    private async Task<bool> UpdateAsync(Guid jobId, Guid worker,
        Action<UpdateSettersBuilder<ExportJobRow>> set,
        CancellationToken cancellationToken)
    {
        var lease = time.GetUtcNow().Add(options.Value.Lease).ToUnixTimeMilliseconds();
        var changed = await db.ExportJobs
            .Where(j => j.Id == jobId && j.Status == ExportJobRow.Running && j.LeaseOwner == worker)
            .ExecuteUpdateAsync(s =>
            {
                s.SetProperty(j => j.LeaseUntilMs, lease);
                set(s);
            }, cancellationToken);
        return changed == 1;
    }
}
