using System.Globalization;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Platform.Hosting.Idempotency;
using Platform.RecordVault.Data;
using Platform.RecordVault.Jobs;
using Platform.ServiceDefaults;

namespace Platform.RecordVault.Research;

/// <summary>
/// De-identified research exports (docs/research.md, "Export"), asynchronous like FHIR Bulk Data: <c>POST
/// /research/studies/{id}/exports</c> answers 202 with the status URL in <c>Content-Location</c>; the status answers
/// 202 with <c>Retry-After</c> while the export runs and 200 with the manifest, the files and (once the ledger committed
/// it) the receipt when done; the manifest and the NDJSON files download from there. Only the representative of the
/// study's organisation, while it is verified, with the <c>research.export</c> scope and a second factor: the consent
/// service is asked at every call, and anyone else gets 404 as for an export that does not exist.
/// </summary>
public static class ResearchExportEndpoints
{
    public const string Policy = "research-export";
    public const string Scope = "research.export";
    public const string StatusPath = "/research/exports";

    public static void AddPolicy(AuthorizationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.AddPolicy(Policy, policy => policy
            .AddAuthenticationSchemes(TokenValidationSetup.Scheme)
            .RequireAuthenticatedUser()
            .RequireScope(Scope)
            .RequireClaim("acr", PlatformPolicies.MultiFactorAcr));
    }

    public static IEndpointRouteBuilder MapResearchExportEndpoints(this IEndpointRouteBuilder app)
    {
        var research = app.MapGroup("").RequireAuthorization(Policy).RequireRateLimiting(RateLimitPolicies.PerClient).WithTags("Research exports");
        research.MapPost("/research/studies/{id}/exports", StartAsync).WithIdempotencyKey()
            .WithSummary("Starts a de-identified export of an active study of the caller's verified organisation: 202 with the status URL in Content-Location.");
        research.MapGet(StatusPath + "/{export}", StatusAsync)
            .WithSummary("An export's status: 202 with Retry-After while it runs; 200 with the manifest, its hash, the files and the ledger receipt when done.");
        research.MapGet(StatusPath + "/{export}/manifest.json", ManifestAsync)
            .WithSummary("The export's manifest, byte for byte as its SHA-256 is on the ledger.");
        research.MapGet(StatusPath + "/{export}/files/{name}", DownloadAsync)
            .WithSummary("One de-identified NDJSON file of a finished export (application/fhir+ndjson).");
        return app;
    }

    private static async Task<IResult> StartAsync(HttpContext http, string id, RecordVaultDbContext db, ConsentSetClient consentSets,
        JobSignal<ResearchExportRow> signal, IOptions<ResearchExportOptions> options, TimeProvider time, CancellationToken ct)
    {
        var studyId = Guid.TryParse(id, out var parsed) ? parsed : throw ProblemException.BadRequest("The study id is not a UUID.", "malformed_id");
        var researcher = Subject(http);
        var set = await consentSets.GetAsync(studyId, ct);
        if (set is null || !string.Equals(set.Representative, researcher, StringComparison.Ordinal))
        {
            // Another organisation's study answers as a study that does not exist.
            throw ProblemException.NotFound($"No study {studyId} of yours.");
        }
        if (!set.OrganisationVerified)
        {
            throw ProblemException.Conflict("The study's organisation is not verified.", "organisation_not_verified");
        }
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        if (today < set.Study.StartsOn || today > set.Study.EndsOn)
        {
            throw ProblemException.Conflict($"The study runs from {set.Study.StartsOn:yyyy-MM-dd} to {set.Study.EndsOn:yyyy-MM-dd}; exports only while it runs.", "study_not_active");
        }
        var active = await db.ResearchExports.CountAsync(e => e.StudyId == studyId
            && (e.Status == ResearchExportRow.Accepted || e.Status == ResearchExportRow.Running), ct);
        if (active >= options.Value.MaxActivePerStudy)
        {
            throw ProblemException.TooManyRequests($"At most {options.Value.MaxActivePerStudy} export(s) of one study run at a time.", "too_many_exports",
                options.Value.RetryAfter * 5);
        }
        var export = new ResearchExportRow
        {
            Id = Guid.NewGuid(),
            StudyId = studyId,
            Requester = researcher,
            Status = ResearchExportRow.Accepted,
            CreatedAtMs = time.GetUtcNow().ToUnixTimeMilliseconds(),
        };
        db.ResearchExports.Add(export);
        await db.SaveChangesAsync(ct);
        signal.Notify();
        http.Response.Headers.ContentLocation = $"{StatusPath}/{export.Id:D}";
        return Results.StatusCode(StatusCodes.Status202Accepted);
    }

    private static async Task<IResult> StatusAsync(HttpContext http, string export, RecordVaultDbContext db, ConsentSetClient consentSets,
        IOptions<ResearchExportOptions> options, CancellationToken ct)
    {
        var row = await FindAsync(http, db, consentSets, export, ct);
        http.Response.Headers.CacheControl = "no-store";
        switch (row.Status)
        {
            case ResearchExportRow.Accepted or ResearchExportRow.Running:
                http.Response.Headers.RetryAfter = ((long)Math.Ceiling(options.Value.RetryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                return Results.Json(new { id = row.Id, studyId = row.StudyId, status = row.Status }, statusCode: StatusCodes.Status202Accepted);
            case ResearchExportRow.Failed:
                throw ProblemException.Conflict($"The export failed ({row.Error}); start a new one.", row.Error ?? "export_failed");
        }
        var files = await db.ResearchExportFiles.AsNoTracking().Where(f => f.ExportId == row.Id).OrderBy(f => f.Name)
            .Select(f => new { f.Name, f.Sha256, f.Count }).ToListAsync(ct);
        var basePath = $"{StatusPath}/{row.Id:D}";
        using var manifest = JsonDocument.Parse(row.Manifest!);
        using var receipt = row.Receipt is { } r ? JsonDocument.Parse(r) : null;
        return Results.Json(new
        {
            id = row.Id,
            studyId = row.StudyId,
            status = row.Status,
            manifestUrl = basePath + "/manifest.json",
            manifestHash = row.ManifestHash,
            manifest = manifest.RootElement.Clone(),
            files = files.Select(f => new { name = f.Name, sha256 = f.Sha256, count = f.Count, url = $"{basePath}/files/{f.Name}" }),
            signedEvent = row.SignedEvent,
            leafIndex = row.LeafIndex,
            receipt = receipt?.RootElement.Clone(),
        });
    }

    private static async Task<IResult> ManifestAsync(HttpContext http, string export, RecordVaultDbContext db, ConsentSetClient consentSets, CancellationToken ct)
    {
        var row = await FindAsync(http, db, consentSets, export, ct);
        if (row.Status != ResearchExportRow.Completed)
        {
            throw ProblemException.NotFound("The export has no manifest yet.");
        }
        http.Response.Headers.CacheControl = "no-store";
        return Results.Bytes(Encoding.UTF8.GetBytes(row.Manifest!), "application/json");
    }

    private static async Task<IResult> DownloadAsync(HttpContext http, string export, string name, RecordVaultDbContext db, ConsentSetClient consentSets,
        ResearchFileCipher cipher, CancellationToken ct)
    {
        var row = await FindAsync(http, db, consentSets, export, ct);
        var file = row.Status == ResearchExportRow.Completed
            ? await db.ResearchExportFiles.AsNoTracking().SingleOrDefaultAsync(f => f.ExportId == row.Id && f.Name == name, ct)
            : null;
        if (file is null)
        {
            throw ProblemException.NotFound("No such file in this export.");
        }
        var content = await cipher.DecryptAsync(file, ct);
        http.Response.Headers.CacheControl = "no-store";
        return Results.Bytes(content, "application/fhir+ndjson");
    }

    /// <summary>
    /// The export, if the caller represents its study's organisation now and the organisation is verified; otherwise 404,
    /// the same answer as for a random id: a replaced representative, a rejected organisation and another organisation's
    /// researcher learn nothing.
    /// </summary>
    private static async Task<ResearchExportRow> FindAsync(HttpContext http, RecordVaultDbContext db, ConsentSetClient consentSets, string export, CancellationToken ct)
    {
        var researcher = Subject(http);
        var row = Guid.TryParse(export, out var id) ? await db.ResearchExports.AsNoTracking().SingleOrDefaultAsync(e => e.Id == id, ct) : null;
        if (row is not null)
        {
            var set = await consentSets.GetAsync(row.StudyId, ct);
            if (set is { OrganisationVerified: true } && string.Equals(set.Representative, researcher, StringComparison.Ordinal))
            {
                return row;
            }
        }
        throw ProblemException.NotFound("No such export.");
    }

    private static string Subject(HttpContext http) =>
        http.User.FindFirstValue("sub") ?? throw ProblemException.BadRequest("The token has no subject.");
}
