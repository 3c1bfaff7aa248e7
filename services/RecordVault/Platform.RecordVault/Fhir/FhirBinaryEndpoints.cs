using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Platform.RecordVault.Data;
using Platform.RecordVault.Records;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.Smart;
using R4 = Hl7.Fhir.Model;

namespace Platform.RecordVault.Fhir;

/// <summary>
/// The vault's attachments as FHIR <c>Binary</c> (docs/fhir.md, "Binary and DocumentReference"): read and vread —
/// the raw bytes with their own type, or a <c>Binary</c> resource (base64 <c>data</c>) when the client asks for FHIR
/// JSON — and create (<see cref="FhirBinaryUpload"/>). The id is the attachment's record id, so an attachment uploaded
/// through the record API is <c>Binary/{id}</c> too. Every read goes through <see cref="RecordStore.ReadAsync"/>: the
/// same consent decision and audit as any record, a refused one answered as a missing one.
/// </summary>
public static class FhirBinaryEndpoints
{
    public const string Type = "Binary";

    public static RouteGroupBuilder MapFhirBinaries(this RouteGroupBuilder fhir, long maxAttachmentBytes)
    {
        ArgumentNullException.ThrowIfNull(fhir);
        // A Binary resource in JSON is base64: a third larger than the bytes, plus the few elements around them.
        var limit = new RequestSizeLimitAttribute(maxAttachmentBytes / 3 * 4 + 64 * 1024);
        fhir.MapPost("/Binary", CreateAsync).WithMetadata(limit)
            .WithSummary("Stores an attachment (raw bytes of an allowed type, or a FHIR Binary resource) for the patient its securityContext names; 201 with Location.");
        fhir.MapGet("/Binary/{id}", ReadAsync).WithSummary("An attachment: its bytes with their content type, or a FHIR Binary for Accept application/fhir+json; audited.");
        fhir.MapGet("/Binary/{id}/_history/{vid}", VersionReadAsync).WithSummary("One version of an attachment (vread), as for read; audited.");
        return fhir;
    }

    private static async Task<IResult> CreateAsync(HttpContext http, RecordStore store, IOptions<RecordVaultOptions> options, CancellationToken ct)
    {
        var fhirAnswer = WantsFhir(http.Request);
        var limit = SmartAccess.Require(http, Type, SmartPermissions.Create);
        var caller = RecordCaller.From(http);
        var (payload, patient) = await FhirBinaryUpload.ReadAsync(http.Request, caller, options.Value.MaxAttachmentBytes, ct);
        SmartAccess.RequireSamePatient(limit, patient);
        using var stored = new MemoryStream();
        // The bytes are kept for the answer (a client reads back what it created unless it prefers a minimal one).
        await payload.Content.CopyToAsync(stored, ct);
        if (stored.Length > options.Value.MaxAttachmentBytes || !Core.BinaryContentTypes.IsWithinLimit(payload.ContentType, stored.Length))
        {
            // A body sent without Content-Length is measured here.
            throw new ProblemException(StatusCodes.Status413PayloadTooLarge, "Too large.", "The attachment is over its type's limit.", "too_large");
        }
        stored.Position = 0;
        var (record, version) = await store.CreateAsync(caller, patient, payload with { Content = stored }, ct);
        var location = $"{FhirContent.BaseUrl(http.Request)}/Binary/{record.Id:D}/_history/1";
        var resource = Resource(record, version, stored.ToArray());
        if (http.Request.Headers["Prefer"].ToString().Contains("return=minimal", StringComparison.OrdinalIgnoreCase) || !fhirAnswer)
        {
            Headers(http, resource);
            http.Response.Headers.Location = location;
            return Results.StatusCode(StatusCodes.Status201Created);
        }
        return FhirContent.Resource(http, resource, StatusCodes.Status201Created, location);
    }

    private static async Task<IResult> ReadAsync(HttpContext http, string id, RecordVaultDbContext db, RecordStore store, CancellationToken ct) =>
        await AnswerAsync(http, id, null, db, store, ct);

    private static async Task<IResult> VersionReadAsync(HttpContext http, string id, string vid, RecordVaultDbContext db, RecordStore store, CancellationToken ct) =>
        // A version id that is not a number is asked as version 0, so the store still decides and audits before saying it is missing.
        await AnswerAsync(http, id, int.TryParse(vid, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0, db, store, ct);

    private static async Task<IResult> AnswerAsync(HttpContext http, string id, int? versionNumber, RecordVaultDbContext db, RecordStore store, CancellationToken ct)
    {
        var fhirAnswer = WantsFhir(http.Request);
        var limit = SmartAccess.Require(http, Type, SmartPermissions.Read);
        var recordId = await RequireAttachmentAsync(db, id, limit, ct);
        var (record, version, content) = await store.ReadAsync(RecordCaller.From(http), recordId, versionNumber, ct);
        var resource = Resource(record, version, content);
        if (fhirAnswer)
        {
            return FhirContent.Resource(http, resource);
        }
        Headers(http, resource);
        if (!AttachmentContent.RendersInline(record.ContentType))
        {
            http.Response.Headers.ContentDisposition = $"attachment; filename=\"record-{record.Id:N}\"";
        }
        return Results.Bytes(content, AttachmentContent.ServedType(record.ContentType));
    }

    /// <summary>The attachment as a FHIR Binary: its type, its bytes, and the patient as the security context.</summary>
    public static R4.Binary Resource(RecordRow record, RecordVersionRow version, byte[] content)
    {
        ArgumentNullException.ThrowIfNull(record);
        var binary = new R4.Binary
        {
            ContentType = record.ContentType,
            SecurityContext = new R4.ResourceReference("Patient/" + record.Patient),
            Data = content,
        };
        return (R4.Binary)FhirContent.Stamp(binary, record, version);
    }

    /// <summary>
    /// FHIR JSON when the client asks for it (<c>_format</c>, or an <c>Accept</c> naming FHIR JSON or JSON); the raw
    /// bytes otherwise (FHIR R4 http.html#binary). A <c>_format</c> other than JSON is 406, as everywhere in the API.
    /// </summary>
    public static bool WantsFhir(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Query["_format"].Count > 0)
        {
            FhirContent.RequireAcceptable(request);
            return true;
        }
        return request.GetTypedHeaders().Accept.Any(a => a.Quality is not 0 && a.MediaType.Value is { } type
            && (type.Equals(FhirContent.MediaType, StringComparison.OrdinalIgnoreCase) || type.Equals("application/json", StringComparison.OrdinalIgnoreCase)));
    }

    private static void Headers(HttpContext http, R4.Resource resource)
    {
        var headers = http.Response.Headers;
        headers.ETag = $"W/\"{resource.Meta!.VersionId}\"";
        headers.LastModified = resource.Meta.LastUpdated!.Value.ToUniversalTime().ToString("R", CultureInfo.InvariantCulture);
        headers.CacheControl = "no-store";
    }

    /// <summary>
    /// The record id when it names an attachment (of the patient in context, for a patient/ scope). A FHIR record, a
    /// record of another patient and an id that is no UUID get the store's own "no such record" answer, word for word.
    /// </summary>
    private static async Task<Guid> RequireAttachmentAsync(RecordVaultDbContext db, string id, string? patient, CancellationToken ct)
    {
        if (!Guid.TryParse(id, out var recordId))
        {
            throw ProblemException.NotFound($"No record {(id.Length <= 64 ? id : id[..64] + "…")}.");
        }
        var found = await db.Records.AsNoTracking().Where(r => r.Id == recordId).Select(r => new { r.Kind, r.Patient }).FirstOrDefaultAsync(ct);
        if (found is not null && (found.Kind != RecordPayload.Binary || (patient is not null && found.Patient != patient)))
        {
            throw ProblemException.NotFound($"No record {recordId}.");
        }
        return recordId;
    }
}
