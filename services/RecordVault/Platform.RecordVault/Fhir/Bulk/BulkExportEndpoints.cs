using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Platform.RecordVault.Core;
using Platform.RecordVault.Data;
using Platform.RecordVault.Jobs;
using Platform.RecordVault.Records;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.Smart;

namespace Platform.RecordVault.Fhir.Bulk;

/// <summary>
/// FHIR Bulk Data Access 2.0, patient level, for the patient's own data (docs/fhir.md, "Bulk export"): the kick-off
/// (<c>Patient/{id}/$export</c> with <c>Prefer: respond-async</c>, 202 and <c>Content-Location</c>), the status URL
/// (202 with <c>X-Progress</c> and <c>Retry-After</c> while running, 200 with the manifest when done, DELETE to
/// cancel) and the files (NDJSON, to the requester's token only). Jobs and files live in the vault's database,
/// the files encrypted; <see cref="BulkExportWorker"/> runs the jobs.
/// </summary>
public static class BulkExportEndpoints
{
    public const string StatusPath = "/bulk-export";

    /// <summary>The manifest repeats the kick-off URL; its column holds this much.</summary>
    private const int MaxRequestUrlLength = 2048;

    /// <summary>The Bulk Data IG's patient-level export, as the CapabilityStatement names it.</summary>
    public const string PatientExportDefinition = "http://hl7.org/fhir/uv/bulkdata/OperationDefinition/patient-export";

    /// <summary>Maps the routes on the FHIR API's authorized group (FhirEndpoints).</summary>
    public static RouteGroupBuilder MapBulkExportEndpoints(this RouteGroupBuilder fhir)
    {
        ArgumentNullException.ThrowIfNull(fhir);
        fhir.MapGet("/Patient/{id}/$export", KickOffAsync)
            .WithSummary("Bulk Data $export of the caller's own records (Prefer: respond-async; _type, _since): 202 with the status URL in Content-Location.");
        fhir.MapGet(StatusPath + "/{job}", StatusAsync)
            .WithSummary("An export's status: 202 with X-Progress while it runs, 200 with the manifest when done (the requester only).");
        fhir.MapDelete(StatusPath + "/{job}", CancelAsync)
            .WithSummary("Cancels an export, or deletes a finished one with its files: 202.");
        fhir.MapGet(StatusPath + "/{job}/{file}", DownloadAsync)
            .WithSummary("One NDJSON file of a finished export (application/fhir+ndjson; the requester only).");
        return fhir;
    }

    private static async Task<IResult> KickOffAsync(HttpContext http, string id, RecordVaultDbContext db, JobSignal<ExportJobRow> signal,
        IOptions<BulkExportOptions> options, TimeProvider time, CancellationToken ct)
    {
        FhirContent.RequireAcceptable(http.Request);
        var caller = RecordCaller.From(http);
        if (!caller.IsPatient)
        {
            // A clinician's export would be many reads under consent at once, with break-glass and purpose questions
            // of its own; not offered yet (docs/fhir.md).
            throw BulkExportProblems.Forbidden("A bulk export is the patient's, of their own records.");
        }
        if (!caller.IsOwner(PatientReference.TryParse(id, out var patient) ? patient : ""))
        {
            throw BulkExportProblems.Forbidden("A patient exports their own records only.");
        }
        var request = BulkExportRequest.Parse(http.Request);
        var types = ScopedTypes(http, patient, request.Types);

        var requestUrl = $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}{http.Request.Path}{http.Request.QueryString}";
        if (requestUrl.Length > MaxRequestUrlLength)
        {
            throw BulkExportProblems.BadRequest($"The kick-off URL is longer than {MaxRequestUrlLength} characters.", BulkExportProblems.InvalidExportParameter);
        }
        var now = time.GetUtcNow();
        var active = await db.ExportJobs.CountAsync(j => j.Requester == caller.SubjectId
            && (j.Status == ExportJobRow.Accepted || j.Status == ExportJobRow.Running), ct);
        if (active >= options.Value.MaxActivePerRequester)
        {
            throw ProblemException.TooManyRequests($"At most {options.Value.MaxActivePerRequester} exports run for one requester at a time.",
                BulkExportProblems.TooManyExports, options.Value.RetryAfter * 5);
        }
        var job = new ExportJobRow
        {
            Id = Guid.NewGuid(),
            Requester = caller.SubjectId,
            Patient = patient,
            Types = string.Join(",", types),
            SinceMs = request.Since?.ToUnixTimeMilliseconds(),
            Request = requestUrl,
            Status = ExportJobRow.Accepted,
            CreatedAtMs = now.ToUnixTimeMilliseconds(),
            ExpiresAtMs = now.Add(options.Value.FileLifetime).ToUnixTimeMilliseconds(),
        };
        db.ExportJobs.Add(job);
        await db.SaveChangesAsync(ct);
        signal.Notify();
        http.Response.Headers.ContentLocation = StatusUrl(http, job.Id);
        return Results.StatusCode(StatusCodes.Status202Accepted);
    }

    /// <summary>
    /// The types to export, within the token's SMART scopes (read, <c>r</c>): a named type the scopes do not cover is
    /// <c>403 insufficient_scope</c>; without <c>_type</c>, the types they cover (Bulk Data: only what the client is
    /// authorized for). A <c>patient/</c> scope must be for this patient.
    /// </summary>
    private static IReadOnlyList<string> ScopedTypes(HttpContext http, string patient, IReadOnlyList<string>? asked)
    {
        if (SmartAccess.From(http.User) is not { } access)
        {
            return asked ?? FhirResourceTypes.All;
        }
        if (asked is not null)
        {
            foreach (var type in asked)
            {
                SmartAccess.RequireSamePatient(access.Require(type, SmartPermissions.Read), patient);
            }
            return asked;
        }
        var covered = new List<string>();
        foreach (var type in FhirResourceTypes.All)
        {
            try
            {
                SmartAccess.RequireSamePatient(access.Require(type, SmartPermissions.Read), patient);
                covered.Add(type);
            }
            catch (ProblemException ex) when (ex.ErrorCode == SmartAccess.InsufficientScope)
            {
                // Not in the token's scopes: left out of the export.
            }
        }
        if (covered.Count == 0)
        {
            // Nothing covered: the refusal for the first type says why (403 insufficient_scope).
            access.Require(FhirResourceTypes.All[0], SmartPermissions.Read);
        }
        return covered;
    }

    private static async Task<IResult> StatusAsync(HttpContext http, string job, RecordVaultDbContext db, IOptions<BulkExportOptions> options, TimeProvider time, CancellationToken ct)
    {
        var row = await FindAsync(http, db, job, time, ct);
        http.Response.Headers.CacheControl = "no-store";
        switch (row.Status)
        {
            case ExportJobRow.Accepted or ExportJobRow.Running:
                http.Response.Headers["X-Progress"] = row.Status == ExportJobRow.Accepted ? "waiting to start"
                    : $"exported {row.Exported.ToString(CultureInfo.InvariantCulture)} of {row.Total.ToString(CultureInfo.InvariantCulture)} resources";
                http.Response.Headers.RetryAfter = ((long)Math.Ceiling(options.Value.RetryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                return Results.StatusCode(StatusCodes.Status202Accepted);
            case ExportJobRow.Failed:
                // Bulk Data: a failed export answers its status with a 5xx and an OperationOutcome.
                throw new ProblemException(StatusCodes.Status500InternalServerError, "The export failed.",
                    "The export could not be completed; start a new one.", row.Error ?? BulkExportProblems.ExportFailed);
        }
        var files = await db.ExportFiles.AsNoTracking().Where(f => f.JobId == row.Id)
            .OrderBy(f => f.Kind).ThenBy(f => f.ResourceType)
            .Select(f => new { f.Id, f.Kind, f.ResourceType, f.Count }).ToListAsync(ct);
        string FileUrl(Guid file) => $"{StatusUrl(http, row.Id)}/{file:D}";
        var manifest = new BulkExportManifest(
            TransactionTime: DateTimeOffset.FromUnixTimeMilliseconds(row.TransactionTimeMs ?? row.CreatedAtMs).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
            Request: row.Request,
            RequiresAccessToken: true,
            Output: [.. files.Where(f => f.Kind == ExportFileRow.Output).Select(f => new BulkExportFile(f.ResourceType, FileUrl(f.Id), f.Count))],
            Error: [.. files.Where(f => f.Kind == ExportFileRow.Error).Select(f => new BulkExportFile(f.ResourceType, FileUrl(f.Id), f.Count))]);
        http.Response.Headers.Expires = DateTimeOffset.FromUnixTimeMilliseconds(row.ExpiresAtMs).ToString("R", CultureInfo.InvariantCulture);
        return Results.Json(manifest, contentType: "application/json");
    }

    private static async Task<IResult> CancelAsync(HttpContext http, string job, RecordVaultDbContext db, TimeProvider time, CancellationToken ct)
    {
        var row = await FindAsync(http, db, job, time, ct);
        // The files go with the job (cascade); a worker still running it notices at its next step and saves nothing.
        await db.ExportJobs.Where(j => j.Id == row.Id).ExecuteDeleteAsync(ct);
        return Results.StatusCode(StatusCodes.Status202Accepted);
    }

    private static async Task<IResult> DownloadAsync(HttpContext http, string job, string file, RecordVaultDbContext db, ExportFileCipher cipher, TimeProvider time, CancellationToken ct)
    {
        var row = await FindAsync(http, db, job, time, ct);
        var fileRow = Guid.TryParse(file, out var fileId) && row.Status == ExportJobRow.Completed
            ? await db.ExportFiles.AsNoTracking().SingleOrDefaultAsync(f => f.Id == fileId && f.JobId == row.Id, ct)
            : null;
        if (fileRow is null)
        {
            throw ProblemException.NotFound("No such file in this export.");
        }
        if (fileRow.Kind == ExportFileRow.Output)
        {
            // The same subject with a narrower SMART token gets no type its scopes do not cover.
            SmartAccess.RequireSamePatient(SmartAccess.Require(http, fileRow.ResourceType, SmartPermissions.Read), row.Patient);
        }
        var content = await cipher.DecryptAsync(fileRow, row.Patient, ct);
        http.Response.Headers.CacheControl = "no-store";
        return Results.Bytes(content, FhirNdjsonWriter.MediaType);
    }

    /// <summary>
    /// The caller's own unexpired job, or 404: another requester's job, an expired or cancelled one and a random id
    /// all get the same answer, so a job id tells nobody else anything.
    /// </summary>
    private static async Task<ExportJobRow> FindAsync(HttpContext http, RecordVaultDbContext db, string job, TimeProvider time, CancellationToken ct)
    {
        var subject = RecordCaller.From(http).SubjectId;
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var row = Guid.TryParse(job, out var id)
            ? await db.ExportJobs.AsNoTracking().SingleOrDefaultAsync(j => j.Id == id && j.Requester == subject && j.ExpiresAtMs >= now, ct)
            : null;
        return row ?? throw ProblemException.NotFound("No such export job.");
    }

    private static string StatusUrl(HttpContext http, Guid job) => $"{FhirContent.BaseUrl(http.Request)}{StatusPath}/{job:D}";
}
