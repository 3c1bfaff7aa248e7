using System.Globalization;
using System.Security.Claims;
using Hl7.Fhir.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Platform.Consent.Core;
using Platform.Consent.Data;
using Platform.Fhir;
using Platform.ServiceDefaults;
using R4 = Hl7.Fhir.Model;

namespace Platform.Consent.Fhir;

/// <summary>
/// Consents as FHIR R4 on the consent service (docs/fhir.md, "Consent resources"): <c>metadata</c>, read
/// (<c>Consent/{id}</c>, the resource <see cref="ConsentFhirExporter"/> makes, with its version as ETag) and search
/// (<c>patient</c>, <c>status</c>, <c>_count</c>, paging links). A patient reaches their own consents; a clinician the
/// consents that name them as grantee, whoever the patient. Anything else reads as missing (read) or is not counted
/// (search), so a search never tells that another consent exists.
/// </summary>
public static class ConsentFhirEndpoints
{
    public const string BasePath = "/fhir/r4";

    private static readonly FhirJsonSerializer Serializer = new();

    public static IEndpointRouteBuilder MapConsentFhirEndpoints(this IEndpointRouteBuilder app)
    {
        var open = app.MapGroup(BasePath).WithTags("FHIR");
        open.MapGet("/metadata", (HttpContext http) =>
            {
                FhirMediaTypes.RequireAcceptable(http.Request);
                return Json(http, ConsentFhirCapabilities.Statement(BaseUrl(http.Request)));
            })
            .AllowAnonymous()
            .WithSummary("The CapabilityStatement of the consent service's FHIR API (public, as FHIR requires).");

        var fhir = app.MapGroup(BasePath).RequireAuthorization(ConsentFhirAuthorization.Policy)
            .RequireRateLimiting(RateLimitPolicies.PerClient).WithTags("FHIR");
        fhir.MapGet("/Consent", SearchAsync).WithSummary("Consent search (patient, status, _count): a searchset Bundle of the consents the caller may see.");
        fhir.MapGet("/Consent/{id}", ReadAsync).WithSummary("Reads a consent as FHIR R4 Consent (the patient's own, or one naming the clinician).");
        return app;
    }

    private static async Task<IResult> ReadAsync(HttpContext http, string id, ConsentDbContext db, CancellationToken ct)
    {
        FhirMediaTypes.RequireAcceptable(http.Request);
        var caller = Caller.From(http.User);
        var row = Guid.TryParse(id, out var consentId)
            ? await caller.Visible(db.Consents.AsNoTracking()).FirstOrDefaultAsync(c => c.Id == consentId, ct)
            : null;
        // Another patient's consent, one not naming the clinician, and a random id: the same answer.
        if (row is null)
        {
            throw ProblemException.NotFound($"No consent {(id.Length <= 64 ? id : id[..64] + "…")}.");
        }
        var resource = ConsentFhirExporter.ToFhir(row.ToConsent());
        http.Response.Headers.ETag = $"W/\"{resource.Meta!.VersionId}\"";
        http.Response.Headers.LastModified = resource.Meta.LastUpdated!.Value.ToUniversalTime().ToString("R", CultureInfo.InvariantCulture);
        return Json(http, resource);
    }

    private static async Task<IResult> SearchAsync(HttpContext http, ConsentDbContext db, CancellationToken ct)
    {
        FhirMediaTypes.RequireAcceptable(http.Request);
        var query = ConsentFhirQuery.Parse(http.Request.Query);
        var caller = Caller.From(http.User);
        if (caller.IsPatient && query.Patient is not null && query.Patient != caller.Subject)
        {
            throw new ProblemException(StatusCodes.Status403Forbidden, "Not allowed.", "Patients see only their own consents.", "forbidden");
        }
        var rows = caller.Visible(db.Consents.AsNoTracking());
        if (query.Patient is not null)
        {
            rows = rows.Where(c => c.Subject == query.Patient);
        }
        if (query.Statuses.Count > 0)
        {
            var active = ConsentStatus.Active.ToCode();
            var wantActive = query.Statuses.Contains("active");
            var wantInactive = query.Statuses.Contains("inactive");
            rows = rows.Where(c => (wantActive && c.Status == active) || (wantInactive && c.Status != active));
        }
        var total = await rows.CountAsync(ct);
        var page = query.Count == 0 ? [] : await rows.OrderBy(c => c.CreatedAtMs).ThenBy(c => c.Id).Skip(query.Offset).Take(query.Count).ToListAsync(ct);

        var baseUrl = BaseUrl(http.Request);
        var bundle = new R4.Bundle
        {
            Id = Guid.NewGuid().ToString("D"),
            Meta = new R4.Meta { LastUpdated = DateTimeOffset.UtcNow },
            Type = R4.Bundle.BundleType.Searchset,
            Total = total,
        };
        void Link(string relation, int offset) =>
            bundle.Link.Add(new R4.Bundle.LinkComponent { Relation = relation, Url = $"{baseUrl}/Consent?{query.ToQueryString(offset)}" });
        Link("self", query.Offset);
        if (query.Count > 0)
        {
            Link("first", 0);
            if (query.Offset > 0)
            {
                Link("previous", Math.Max(0, query.Offset - query.Count));
            }
            if (query.Offset + query.Count < total)
            {
                Link("next", query.Offset + query.Count);
            }
            Link("last", total == 0 ? 0 : (total - 1) / query.Count * query.Count);
        }
        foreach (var row in page)
        {
            bundle.Entry.Add(new R4.Bundle.EntryComponent
            {
                FullUrl = $"{baseUrl}/Consent/{row.Id:D}",
                Resource = ConsentFhirExporter.ToFhir(row.ToConsent()),
                Search = new R4.Bundle.SearchComponent { Mode = R4.Bundle.SearchEntryMode.Match },
            });
        }
        return Json(http, bundle);
    }

    private static IResult Json(HttpContext http, R4.Resource resource)
    {
        http.Response.Headers.CacheControl = "no-store";
        return Results.Text(Serializer.SerializeToString(resource), FhirMediaTypes.FhirJson, System.Text.Encoding.UTF8);
    }

    private static string BaseUrl(HttpRequest request) => $"{request.Scheme}://{request.Host}{request.PathBase}{BasePath}";

    /// <summary>The caller and the consents they may see: a patient's own; a clinician's, those naming them as practitioner grantee.</summary>
    private sealed record Caller(string Subject, bool IsPatient)
    {
        public static Caller From(ClaimsPrincipal user) => new(
            user.FindFirstValue("sub") ?? throw ProblemException.BadRequest("The token has no subject."),
            user.HasClaim("role", "patient"));

        public IQueryable<ConsentRow> Visible(IQueryable<ConsentRow> consents)
        {
            if (IsPatient)
            {
                return consents.Where(c => c.Subject == Subject);
            }
            var practitioner = GranteeKind.Practitioner.ToCode();
            return consents.Where(c => c.GranteeKind == practitioner && c.GranteeId == Subject);
        }
    }
}
