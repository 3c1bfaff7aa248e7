using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Platform.RecordVault.Api;
using Platform.RecordVault.Core;
using Platform.RecordVault.Data;
using Platform.RecordVault.Fhir.Bulk;
using Platform.RecordVault.Records;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.Smart;
using R4 = Hl7.Fhir.Model;

namespace Platform.RecordVault.Fhir;

/// <summary>
/// The FHIR R4 REST API over the vault's records (docs/fhir.md): capabilities, read, vread, instance history,
/// create, update with versions, and search in the patient compartment. Every resource that leaves is read through
/// <see cref="RecordStore"/> — the same consent decision, access-log entry and ledger event as <c>GET /records/{id}</c> —
/// and a search shows only what the caller may read: its total counts only those, so what was withheld is not told.
/// </summary>
public static class FhirEndpoints
{
    public const string BasePath = "/fhir/r4";

    public static IEndpointRouteBuilder MapFhirEndpoints(this IEndpointRouteBuilder app)
    {
        var open = app.MapGroup(BasePath).WithTags("FHIR");
        open.MapGet("/metadata", Metadata).AllowAnonymous()
            .WithSummary("The CapabilityStatement: what this FHIR server supports (public, as FHIR requires).");
        open.MapGet("/.well-known/smart-configuration", (HttpContext http, Microsoft.Extensions.Configuration.IConfiguration configuration) =>
                Results.Json(SmartConfiguration.For(configuration), contentType: "application/json"))
            .AllowAnonymous()
            .WithSummary("SMART App Launch discovery: where to authorize and get tokens (the identity service), and what it supports.");

        var fhir = app.MapGroup(BasePath).RequireAuthorization(FhirAuthorization.Policy).RequireRateLimiting(RateLimitPolicies.PerClient).WithTags("FHIR");
        var limit = new RequestSizeLimitAttribute(BinaryContentTypes.MaxFhirResourceBytes);
        fhir.MapGet("/{type}", SearchAsync).WithSummary("Search in the patient compartment (patient, _id, _lastUpdated, code, category, date, _sort, _count): a searchset Bundle of what the caller may read, every entry audited.");
        fhir.MapFhirAuditEvents();
        fhir.MapFhirBinaries(app.ServiceProvider.GetRequiredService<IOptions<RecordVaultOptions>>().Value.MaxAttachmentBytes);
        fhir.MapGet("/Patient/{patient}/$everything", EverythingAsync).WithSummary("Patient-everything: every resource of the patient the caller may read (_since, _count), paged, each audited; withheld ones absent.");
        fhir.MapPost("/{type}/_search", SearchAsync).WithSummary("The same search with the parameters in a form body.");
        fhir.MapPost("/{type}", CreateAsync).WithMetadata(limit).WithSummary("Creates a resource for the patient its subject or patient names; 201 with Location, ETag W/\"1\".");
        fhir.MapGet("/{type}/{id}", ReadAsync).WithSummary("Reads a resource's current version (ETag, Last-Modified); audited.");
        fhir.MapPut("/{type}/{id}", UpdateAsync).WithMetadata(limit).WithSummary("A new version; If-Match W/\"n\" makes it conditional (412 when the resource moved on).");
        fhir.MapGet("/{type}/{id}/_history", HistoryAsync).WithSummary("Every version, newest first, as a history Bundle; each version read is audited.");
        fhir.MapGet("/{type}/{id}/_history/{vid}", VersionReadAsync).WithSummary("Reads one version (vread); audited.");
        fhir.MapBulkExportEndpoints();
        return app;
    }

    private static IResult Metadata(HttpContext http, Microsoft.Extensions.Configuration.IConfiguration configuration)
    {
        FhirContent.RequireAcceptable(http.Request);
        return FhirContent.Json(http, FhirCapabilities.Statement(FhirContent.BaseUrl(http.Request), SmartConfiguration.For(configuration)));
    }

    private static async Task<IResult> ReadAsync(HttpContext http, string type, string id, RecordVaultDbContext db, RecordStore store, CancellationToken ct)
    {
        FhirContent.RequireAcceptable(http.Request);
        var recordId = await RequireTypeAsync(db, type, id, ReadLimit(http, type, "read"), ct);
        var (record, version, content) = await store.ReadAsync(RecordCaller.From(http), recordId, null, ct);
        return FhirContent.Resource(http, FhirContent.Stamped(content, record, version));
    }

    private static async Task<IResult> VersionReadAsync(HttpContext http, string type, string id, string vid, RecordVaultDbContext db, RecordStore store, CancellationToken ct)
    {
        FhirContent.RequireAcceptable(http.Request);
        var recordId = await RequireTypeAsync(db, type, id, ReadLimit(http, type, "vread"), ct);
        // A version id that is not a number names no version; asked as version 0 so that the store still decides (and
        // audits) before saying so, exactly as for a number that does not exist.
        var number = int.TryParse(vid, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0;
        var (record, version, content) = await store.ReadAsync(RecordCaller.From(http), recordId, number, ct);
        return FhirContent.Resource(http, FhirContent.Stamped(content, record, version));
    }

    private static async Task<IResult> HistoryAsync(HttpContext http, string type, string id, RecordVaultDbContext db, RecordStore store, CancellationToken ct)
    {
        FhirContent.RequireAcceptable(http.Request);
        var recordId = await RequireTypeAsync(db, type, id, ReadLimit(http, type, "history"), ct);
        var caller = RecordCaller.From(http);
        var (record, current, content) = await store.ReadAsync(caller, recordId, null, ct);
        var baseUrl = FhirContent.BaseUrl(http.Request);
        var bundle = new R4.Bundle
        {
            Id = Guid.NewGuid().ToString("D"),
            Meta = new R4.Meta { LastUpdated = DateTimeOffset.UtcNow },
            Type = R4.Bundle.BundleType.History,
            Total = current.Version,
        };
        bundle.Link.Add(new R4.Bundle.LinkComponent { Relation = "self", Url = $"{baseUrl}/{type}/{id}/_history" });
        bundle.Entry.Add(HistoryEntry(baseUrl, FhirContent.Stamped(content, record, current)));
        for (var number = current.Version - 1; number >= 1; number--)
        {
            var (_, version, older) = await store.ReadAsync(caller, recordId, number, ct);
            bundle.Entry.Add(HistoryEntry(baseUrl, FhirContent.Stamped(older, record, version)));
        }
        return FhirContent.Json(http, bundle);
    }

    private static R4.Bundle.EntryComponent HistoryEntry(string baseUrl, R4.Resource resource)
    {
        var first = resource.Meta!.VersionId == "1";
        return new R4.Bundle.EntryComponent
        {
            FullUrl = $"{baseUrl}/{resource.TypeName}/{resource.Id}",
            Resource = resource,
            Request = new R4.Bundle.RequestComponent
            {
                Method = first ? R4.Bundle.HTTPVerb.POST : R4.Bundle.HTTPVerb.PUT,
                Url = first ? resource.TypeName : $"{resource.TypeName}/{resource.Id}",
            },
            Response = new R4.Bundle.ResponseComponent
            {
                Status = first ? "201 Created" : "200 OK",
                Etag = $"W/\"{resource.Meta.VersionId}\"",
                LastModified = resource.Meta.LastUpdated,
            },
        };
    }

    private static async Task<IResult> CreateAsync(HttpContext http, string type, RecordVaultDbContext db, RecordStore store, CancellationToken ct)
    {
        FhirContent.RequireAcceptable(http.Request);
        FhirResourceTypes.RequireServed(type, "create");
        var limit = SmartAccess.Require(http, type, SmartPermissions.Create);
        FhirContent.RequireFhirJsonBody(http.Request);
        var caller = RecordCaller.From(http);
        var (payload, resource) = await FhirPayload.ReadAsync(http.Request, ct);
        RequireSameType(type, resource);
        var patient = FhirResourceTypes.PatientPseudonym(resource);
        SmartAccess.RequireSamePatient(limit, patient);
        // The attachments are checked only once the write is permitted: before, a 422 for a missing Binary and a 403
        // for an existing one would tell a caller who may not write for the patient which of the patient's files exist.
        var (record, version) = await store.CreateAsync(caller, patient, payload, ct,
            checkPermitted: c => FhirDocumentAttachments.RequireOwnAttachmentsAsync(db, resource, patient, FhirContent.BaseUrl(http.Request), c));
        FhirContent.Stamp(resource, record, version);
        return FhirContent.Resource(http, resource, StatusCodes.Status201Created, VersionUrl(http, type, record, version));
    }

    private static async Task<IResult> UpdateAsync(HttpContext http, string type, string id, RecordVaultDbContext db, RecordStore store, CancellationToken ct)
    {
        FhirContent.RequireAcceptable(http.Request);
        FhirResourceTypes.RequireServed(type, "update");
        var limit = SmartAccess.Require(http, type, SmartPermissions.Update);
        FhirContent.RequireFhirJsonBody(http.Request);
        var caller = RecordCaller.From(http);
        var expected = FhirContent.ExpectedVersion(http.Request);
        var (payload, resource) = await FhirPayload.ReadAsync(http.Request, ct);
        RequireSameType(type, resource);
        if (!string.Equals(resource.Id, id, StringComparison.Ordinal))
        {
            throw ProblemException.BadRequest("An update carries the resource's id, the same as in the URL.", "id_mismatch");
        }
        var patient = FhirResourceTypes.PatientPseudonym(resource);
        SmartAccess.RequireSamePatient(limit, patient);
        var recordId = await RequireTypeAsync(db, type, id, patient, ct, "update");
        var (record, version) = await store.AddVersionAsync(caller, recordId, payload, ct, expected,
            checkPermitted: c => FhirDocumentAttachments.RequireOwnAttachmentsAsync(db, resource, patient, FhirContent.BaseUrl(http.Request), c));
        FhirContent.Stamp(resource, record, version);
        return FhirContent.Resource(http, resource, StatusCodes.Status200OK, VersionUrl(http, type, record, version));
    }

    /// <summary>Where a created or updated version can be read again (<c>Location</c>: the vread URL).</summary>
    private static string VersionUrl(HttpContext http, string type, RecordRow record, RecordVersionRow version) =>
        $"{FhirContent.BaseUrl(http.Request)}/{type}/{record.Id:D}/_history/{version.Version.ToString(CultureInfo.InvariantCulture)}";

    private static async Task<IResult> SearchAsync(HttpContext http, string type, RecordVaultDbContext db, RecordAccessGate gate, RecordStore store, SearchKeyHasher searchKeys, CancellationToken ct)
    {
        FhirContent.RequireAcceptable(http.Request);
        FhirResourceTypes.RequireServed(type, "search");
        var parameters = http.Request.Query.AsEnumerable();
        if (HttpMethods.IsPost(http.Request.Method))
        {
            if (!http.Request.HasFormContentType)
            {
                throw new ProblemException(StatusCodes.Status415UnsupportedMediaType, "Unsupported content type.",
                    "_search takes its parameters as application/x-www-form-urlencoded.", "unsupported_content_type");
            }
            parameters = parameters.Concat(await http.Request.ReadFormAsync(ct));
        }
        var query = FhirSearchQuery.Parse(type, parameters);
        if (SmartAccess.Require(http, type, SmartPermissions.Search) is { } limit)
        {
            // A patient/ scope searches the patient in context: named or not, no other.
            SmartAccess.RequireSamePatient(limit, query.Patient ?? limit);
            query = query with { Patient = limit };
        }
        var caller = RecordCaller.From(http);
        var result = await new FhirSearch(db, gate, store, searchKeys).RunAsync(caller, type, query, ct);

        var baseUrl = FhirContent.BaseUrl(http.Request);
        return FhirContent.Json(http, FhirSearchsetBundle.Create(baseUrl, result, query.Count, query.Offset, at => $"{baseUrl}/{type}?{query.ToQueryString(at)}"));
    }

    /// <summary>
    /// <c>Patient/{id}/$everything</c> (FHIR R4 operation): the patient's resources of every served type the caller may
    /// read, as a paged searchset — the patient themself, or a clinician for what consent permits; withheld resources
    /// absent without trace (not counted), each shown resource an audited read. A SMART token's scopes narrow it to the
    /// types it may read (none: 403) and, for patient/ scopes, to the patient in context.
    /// </summary>
    private static async Task<IResult> EverythingAsync(HttpContext http, string patient, RecordVaultDbContext db, RecordAccessGate gate, RecordStore store, SearchKeyHasher searchKeys, CancellationToken ct)
    {
        FhirContent.RequireAcceptable(http.Request);
        var query = FhirEverythingQuery.Parse(http.Request.Query);
        if (!PatientReference.TryParse(patient, out var pseudonym) || patient.Contains('/', StringComparison.Ordinal))
        {
            throw ProblemException.NotFound($"No patient {(patient.Length <= 64 ? patient : patient[..64] + "…")}.");
        }
        var types = new List<string>();
        string? limit = null;
        ProblemException? refusal = null;
        foreach (var type in FhirResourceTypes.All)
        {
            try
            {
                limit = SmartAccess.Require(http, type, SmartPermissions.Read) ?? limit;
                types.Add(type);
            }
            catch (ProblemException ex)
            {
                refusal = ex;
            }
        }
        if (types.Count == 0)
        {
            throw refusal!;
        }
        SmartAccess.RequireSamePatient(limit, pseudonym);
        var result = await new FhirSearch(db, gate, store, searchKeys)
            .EverythingAsync(RecordCaller.From(http), pseudonym, types, query.Since?.Start, query.Count, query.Offset, ct);
        var baseUrl = FhirContent.BaseUrl(http.Request);
        return FhirContent.Json(http, FhirSearchsetBundle.Create(baseUrl, result, query.Count, query.Offset,
            at => $"{baseUrl}/Patient/{pseudonym}/$everything?{query.ToQueryString(at)}"));
    }

    /// <summary>The SMART read check (r covers read, vread and history): the patient a patient/ scope limits it to, or null.</summary>
    private static string? ReadLimit(HttpContext http, string type, string interaction)
    {
        FhirResourceTypes.RequireServed(type, interaction);
        return SmartAccess.Require(http, type, SmartPermissions.Read);
    }

    private static void RequireSameType(string type, R4.Resource resource)
    {
        if (!string.Equals(resource.TypeName, type, StringComparison.Ordinal))
        {
            throw ProblemException.BadRequest($"The body is a {resource.TypeName}, the URL names {type}.", "resource_type_mismatch");
        }
    }

    /// <summary>
    /// The record id, when the URL's type (and, for an update, the body's patient) fit the record. A record of another
    /// type or patient, and an id that is no UUID, get the store's own "no such record" answer, word for word, so
    /// the check tells a caller nothing a missing record does not. A missing record goes on to the store, which
    /// audits the miss.
    /// </summary>
    private static async Task<Guid> RequireTypeAsync(RecordVaultDbContext db, string type, string id, string? patient, CancellationToken ct, string interaction = "read")
    {
        FhirResourceTypes.RequireServed(type, interaction);
        if (!Guid.TryParse(id, out var recordId))
        {
            throw ProblemException.NotFound($"No record {(id.Length <= 64 ? id : id[..64] + "…")}.");
        }
        var found = await db.Records.AsNoTracking().Where(r => r.Id == recordId)
            .Select(r => new { r.ResourceType, r.Patient }).FirstOrDefaultAsync(ct);
        if (found is not null && (found.ResourceType != type || (patient is not null && found.Patient != patient)))
        {
            throw ProblemException.NotFound($"No record {recordId}.");
        }
        return recordId;
    }
}
