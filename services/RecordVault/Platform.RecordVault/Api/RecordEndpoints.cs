using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Platform.Contracts.CodeLists;
using Platform.Hosting.Idempotency;
using Platform.RecordVault.Access;
using Platform.RecordVault.Core;
using Platform.RecordVault.Data;
using Platform.RecordVault.Records;
using Platform.ServiceDefaults;
using Platform.SignedEvents;

namespace Platform.RecordVault.Api;

/// <summary>
/// Records: create (FHIR JSON or a binary attachment), read, new version, erase, list (metadata), and the
/// patient's access log. Callers hold the <c>records</c> scope; patients act on their own records; clinicians read
/// when a consent grants <c>access</c> (or through break-glass), write when one grants <c>correct</c>, and never erase.
/// </summary>
public static class RecordEndpoints
{
    public const string Policy = "records";
    public const string Scope = "records";

    public static void AddPolicy(AuthorizationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.AddPolicy(Policy, policy => policy
            .AddAuthenticationSchemes(TokenValidationSetup.Scheme)
            .RequireAuthenticatedUser()
            .RequireScope(Scope)
            .RequireAssertion(c => c.User.HasClaim("role", "patient")
                                   || (c.User.HasClaim("role", "clinician") && c.User.HasClaim("acr", PlatformPolicies.MultiFactorAcr))));
    }

    public static IEndpointRouteBuilder MapRecordEndpoints(this IEndpointRouteBuilder app)
    {
        var maxBytes = app.ServiceProvider.GetRequiredService<IOptions<RecordVaultOptions>>().Value.MaxAttachmentBytes;
        var records = app.MapGroup("").RequireAuthorization(Policy).RequireRateLimiting(RateLimitPolicies.PerClient).WithTags("Records");
        records.MapPost("/patients/{patient}/records", CreateAsync).WithMetadata(new RequestSizeLimitAttribute(maxBytes)).WithIdempotencyKey()
            .WithSummary("Stores a FHIR resource (application/fhir+json; its category comes from the content) or an attachment (?category=…); answers 201 with the version's hash. Clinicians need a consent granting correct.");
        records.MapGet("/patients/{patient}/records", ListAsync).WithSummary("A patient's records, metadata only: all for the patient, the consented categories for a clinician.");
        records.MapGet("/records/{id}", ReadAsync).WithSummary("Reads a record (X-Purpose-Of-Use; X-Break-Glass with X-Break-Glass-Reason, 10 to 500 characters, UTF-8 percent-encoded); every read is audited.");
        records.MapPut("/records/{id}", AddVersionAsync).WithMetadata(new RequestSizeLimitAttribute(maxBytes)).WithIdempotencyKey().WithSummary("Stores a new version (same kind and category). Clinicians need a consent granting correct; break-glass never writes.");
        records.MapDelete("/records/{id}", EraseAsync).WithIdempotencyKey().WithSummary("The patient erases their record by destroying its data keys; a tombstone with hashes remains. Clinicians never erase (admins: DELETE /admin/records/{id}).");
        records.MapGet("/patients/{patient}/access-log", AccessLogAsync).WithSummary("Who accessed the patient's records, with each entry's ledger receipt.");
        records.MapGet("/access-log/mine", MyAccessesAsync).WithSummary("A clinician's own accesses (reads, refusals, break-glass), newest first, at most 200.");
        return app;
    }

    private static async Task<IResult> CreateAsync(HttpContext http, string patient, string? category, RecordStore store, CancellationToken ct)
    {
        if (!Pseudonyms.IsValid(patient))
        {
            throw ProblemException.BadRequest("The patient id is not a pseudonymous id.", "malformed_patient");
        }
        var payload = await ReadPayloadAsync(http, category, ct);
        var (record, version) = await store.CreateAsync(RecordCaller.From(http), patient, payload, ct);
        return Results.Created($"/records/{record.Id}", RecordView.From(record, version));
    }

    private static async Task<IResult> AddVersionAsync(HttpContext http, string id, string? category, RecordStore store, CancellationToken ct)
    {
        var payload = await ReadPayloadAsync(http, category, ct);
        var (record, version) = await store.AddVersionAsync(RecordCaller.From(http), ParseId(id), payload, ct);
        return Results.Ok(RecordView.From(record, version));
    }

    private static async Task<IResult> ReadAsync(HttpContext http, string id, int? version, RecordStore store, CancellationToken ct)
    {
        var (record, stored, content) = await store.ReadAsync(RecordCaller.From(http), ParseId(id), version, ct);
        http.Response.Headers["X-Record-Version"] = stored.Version.ToString(System.Globalization.CultureInfo.InvariantCulture);
        http.Response.Headers["X-Record-Hash"] = stored.Hash;
        http.Response.Headers.CacheControl = "no-store";
        if (!AttachmentContent.RendersInline(record.ContentType))
        {
            http.Response.Headers.ContentDisposition = $"attachment; filename=\"record-{record.Id:N}\"";
        }
        return Results.Bytes(content, AttachmentContent.ServedType(record.ContentType));
    }

    private static async Task<IResult> EraseAsync(HttpContext http, string id, RecordStore store, CancellationToken ct)
    {
        await store.EraseAsync(RecordCaller.From(http), ParseId(id), ct);
        return Results.NoContent();
    }

    /// <summary>
    /// The patient sees all their records; a clinician sees those in the categories the consent service permits them
    /// for the request's purpose (one decision per category present). Listing never invokes break-glass: that opens
    /// one record, with its own audit, not a patient's whole list.
    /// </summary>
    private static async Task<IResult> ListAsync(HttpContext http, string patient, RecordVaultDbContext db, RecordAccessGate gate, CancellationToken ct)
    {
        if (!Pseudonyms.IsValid(patient))
        {
            throw ProblemException.BadRequest("The patient id is not a pseudonymous id.", "malformed_patient");
        }
        var caller = RecordCaller.From(http);
        if (!caller.IsOwner(patient) && !caller.IsClinician)
        {
            throw new ProblemException(StatusCodes.Status403Forbidden, "Not allowed.", "Only the patient and clinicians with consent list records.", "forbidden");
        }
        if (caller.BreakGlass)
        {
            throw ProblemException.Unprocessable("Break-glass applies to reading one record, not to listing.", "break_glass_not_for_lists");
        }
        var rows = await db.Records.AsNoTracking().Where(r => r.Patient == patient).OrderBy(r => r.CreatedAtMs).ToListAsync(ct);
        if (!caller.IsOwner(patient))
        {
            var permitted = await gate.ReadableCategoriesAsync(caller, patient, rows.Select(r => r.Category), ct);
            rows = rows.Where(r => permitted.Contains(r.Category)).ToList();
        }
        var ids = rows.Select(r => r.Id).ToList();
        var versions = await db.RecordVersions.AsNoTracking().Where(v => ids.Contains(v.RecordId)).ToListAsync(ct);
        return Results.Ok(rows.Select(r => RecordView.From(r, versions.Single(v => v.RecordId == r.Id && v.Version == r.CurrentVersion))));
    }

    private static async Task<IResult> AccessLogAsync(HttpContext http, string patient, RecordVaultDbContext db, BreakGlassReasonProtector reasons, CancellationToken ct)
    {
        if (!RecordCaller.From(http).IsOwner(patient))
        {
            throw new ProblemException(StatusCodes.Status403Forbidden, "Not allowed.", "Only the patient reads their access log.", "forbidden");
        }
        var entries = await db.AccessLog.AsNoTracking().Where(a => a.Patient == patient).OrderBy(a => a.AtMs).ToListAsync(ct);
        return Results.Ok(entries.Select(e => AccessLogView.From(e, reasons)));
    }

    /// <summary>
    /// The clinician's own trail, as the patients see it in theirs: which record of which patient, when, why and with
    /// what outcome. No content, no signed event, no ledger opening: those are the patient's.
    /// </summary>
    private static async Task<IResult> MyAccessesAsync(HttpContext http, RecordVaultDbContext db, BreakGlassReasonProtector reasons, CancellationToken ct)
    {
        var caller = RecordCaller.From(http);
        if (!caller.IsClinician)
        {
            throw new ProblemException(StatusCodes.Status403Forbidden, "Not allowed.", "This is a clinician's own access history; patients read theirs at /patients/{patient}/access-log.", "forbidden");
        }
        var entries = await db.AccessLog.AsNoTracking().Where(a => a.Actor == caller.SubjectId).OrderByDescending(a => a.AtMs).Take(200).ToListAsync(ct);
        return Results.Ok(entries.Select(e => ClinicianAccessView.From(e, reasons)));
    }

    /// <summary>
    /// FHIR JSON is parsed and validated and its category comes from the resource (type and sensitivity label):
    /// <c>?category=</c> may repeat it but never override it, or a mental-health-labelled Observation could be stored
    /// as <c>observation</c> and reach every observation grantee. Anything else must be an allowed attachment type,
    /// whose category only the parameter can give.
    /// </summary>
    private static async Task<RecordPayload> ReadPayloadAsync(HttpContext http, string? category, CancellationToken ct)
    {
        var contentType = FhirPayload.MediaTypeOf(http.Request.ContentType);
        if (FhirPayload.IsFhirJson(contentType))
        {
            var (payload, _) = await FhirPayload.ReadAsync(http.Request, ct);
            if (category is not null && !string.Equals(category, payload.Category, StringComparison.Ordinal))
            {
                throw ProblemException.Unprocessable(
                    $"The resource's content makes it a '{payload.Category}' record; ?category= cannot make it another. Leave the parameter out.", "category_conflict");
            }
            return payload;
        }
        if (!BinaryContentTypes.IsAllowed(contentType))
        {
            throw new ProblemException(StatusCodes.Status415UnsupportedMediaType, "Unsupported content type.",
                $"'{contentType}' is not accepted. Send FHIR as application/fhir+json, or one of: {string.Join(", ", BinaryContentTypes.All.Select(t => t.MediaType))}.", "unsupported_content_type");
        }
        if (category is null || !RecordCategories.IsKnown(category))
        {
            throw ProblemException.Unprocessable("An attachment needs ?category= with a known record category (GET /codes on the consent service).", "unknown_category");
        }
        if (http.Request.ContentLength is { } length && !BinaryContentTypes.IsWithinLimit(contentType, length))
        {
            throw new ProblemException(StatusCodes.Status413PayloadTooLarge, "Too large.", $"This content type is limited; see the attachment limits.", "too_large");
        }
        BinaryContentTypes.TryGet(contentType, out var type);
        var content = await AttachmentContent.CheckedAsync(http.Request.Body, type!, ct);
        return new RecordPayload(RecordPayload.Binary, contentType, null, category, content);
    }

    private static Guid ParseId(string id) =>
        Guid.TryParse(id, out var parsed) ? parsed : throw ProblemException.BadRequest("The record id is not a UUID.", "malformed_id");
}
