using System.Globalization;
using System.Linq.Expressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Platform.RecordVault.Data;
using Platform.RecordVault.Records;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.Smart;

namespace Platform.RecordVault.Fhir;

/// <summary>
/// The access log as FHIR <c>AuditEvent</c> resources (<see cref="FhirAuditEvents"/>): read by id and search with
/// <c>patient</c>, <c>date</c> (the time recorded, with prefixes) and <c>_count</c>, newest first. A patient reads the
/// log of their own records (another patient's: 403 to a search, 404 to a read); a clinician reads their own accesses
/// (optionally of one patient); nobody else reads any. An entry the caller may not read answers as a missing one.
/// </summary>
public static class FhirAuditEventEndpoints
{
    private const string Type = "AuditEvent";

    public static RouteGroupBuilder MapFhirAuditEvents(this RouteGroupBuilder fhir)
    {
        ArgumentNullException.ThrowIfNull(fhir);
        fhir.MapGet("/AuditEvent", SearchAsync).WithSummary("The access log as AuditEvents (patient, date, _count): a patient's own log, a clinician's own accesses.");
        fhir.MapGet("/AuditEvent/{id}", ReadAsync).WithSummary("One access-log entry as an AuditEvent, to the patient it concerns or the clinician who acted.");
        return fhir;
    }

    private static async Task<IResult> ReadAsync(HttpContext http, string id, RecordVaultDbContext db, CancellationToken ct)
    {
        FhirContent.RequireAcceptable(http.Request);
        var limit = SmartAccess.Require(http, Type, SmartPermissions.Read);
        var caller = RecordCaller.From(http);
        var missing = ProblemException.NotFound($"No AuditEvent {(id.Length <= 64 ? id : id[..64] + "…")}.");
        if (!Guid.TryParse(id, out var eventId))
        {
            throw missing;
        }
        var row = await db.AccessLog.AsNoTracking().FirstOrDefaultAsync(a => a.EventId == eventId, ct);
        if (row is null || !MayRead(caller, row) || (limit is not null && limit != row.Patient))
        {
            throw missing;
        }
        var resourceType = await db.Records.AsNoTracking().Where(r => r.Id == row.RecordId).Select(r => r.ResourceType).FirstOrDefaultAsync(ct);
        return FhirContent.Resource(http, FhirAuditEvents.From(row, resourceType, FhirContent.BaseUrl(http.Request)));
    }

    private static async Task<IResult> SearchAsync(HttpContext http, RecordVaultDbContext db, CancellationToken ct)
    {
        FhirContent.RequireAcceptable(http.Request);
        var limit = SmartAccess.Require(http, Type, SmartPermissions.Search);
        var caller = RecordCaller.From(http);
        string? patient = null;
        var dates = new List<FhirDateRange>();
        var count = FhirSearchQuery.DefaultCount;
        var offset = 0;
        foreach (var (name, values) in http.Request.Query)
        {
            foreach (var value in values.Select(v => v ?? ""))
            {
                switch (name)
                {
                    case "patient":
                        patient = PatientReference.TryParse(value, out var p) && (patient is null || patient == p) ? p
                            : throw Invalid("'patient' takes one patient, as Patient/{id} or {id}.");
                        break;
                    case "date":
                        dates.Add(FhirDateRange.TryParse(value, out var range) ? range!
                            : throw Invalid("'date' takes a prefix (eq, ne, gt, lt, ge, le, sa, eb) and a FHIR date or dateTime with a zone."));
                        break;
                    case "_count":
                        count = int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var c) ? Math.Min(c, FhirSearchQuery.MaxCount) : throw Invalid("'_count' is a whole number.");
                        break;
                    case "_offset":
                        offset = int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var o) ? o : throw Invalid("'_offset' is a whole number.");
                        break;
                    case "_format" or "_pretty" or "_total":
                        break;
                    default:
                        throw ProblemException.BadRequest(
                            $"'{(name.Length <= 64 ? name : name[..64] + "…")}' is not supported for AuditEvent; supported: patient, date, _count, _offset.",
                            "unsupported_search_parameter");
                }
            }
        }
        if (limit is not null)
        {
            SmartAccess.RequireSamePatient(limit, patient ?? limit);
            patient = limit;
        }

        IQueryable<AccessLogRow> rows = db.AccessLog.AsNoTracking();
        if (caller.IsClinician && !caller.IsPatient)
        {
            // A clinician's own trail, of one patient or all.
            var actor = caller.SubjectId;
            rows = rows.Where(a => a.Actor == actor);
            if (patient is not null)
            {
                rows = rows.Where(a => a.Patient == patient);
            }
        }
        else if (caller.IsPatient)
        {
            patient ??= caller.SubjectId;
            if (!caller.IsOwner(patient))
            {
                throw new ProblemException(StatusCodes.Status403Forbidden, "Not allowed.", "A patient reads the access log of their own records only.", "forbidden");
            }
            rows = rows.Where(a => a.Patient == patient);
        }
        else
        {
            throw new ProblemException(StatusCodes.Status403Forbidden, "Not allowed.", "The access log is the patient's, and each clinician's own trail.", "forbidden");
        }
        foreach (var date in dates)
        {
            rows = rows.Where(Recorded(date));
        }

        var total = await rows.CountAsync(ct);
        var page = await rows.OrderByDescending(a => a.AtMs).ThenByDescending(a => a.EventId).Skip(offset).Take(count).ToListAsync(ct);
        var recordIds = page.Select(a => a.RecordId).Distinct().ToList();
        var types = await db.Records.AsNoTracking().Where(r => recordIds.Contains(r.Id)).Select(r => new { r.Id, r.ResourceType }).ToDictionaryAsync(r => r.Id, r => r.ResourceType, ct);
        var baseUrl = FhirContent.BaseUrl(http.Request);
        var result = new FhirSearchResult(total, page.Select(a => (Hl7.Fhir.Model.Resource)FhirAuditEvents.From(a, types.GetValueOrDefault(a.RecordId), baseUrl)).ToList());
        string PageUrl(int at)
        {
            var parts = new List<string>();
            if (patient is not null)
            {
                parts.Add("patient=" + Uri.EscapeDataString("Patient/" + patient));
            }
            parts.AddRange(dates.Select(d => "date=" + Uri.EscapeDataString(d.Text)));
            parts.Add("_count=" + count.ToString(CultureInfo.InvariantCulture));
            parts.Add("_offset=" + at.ToString(CultureInfo.InvariantCulture));
            return $"{baseUrl}/AuditEvent?{string.Join("&", parts)}";
        }
        return FhirContent.Json(http, FhirSearchsetBundle.Create(baseUrl, result, count, offset, PageUrl));
    }

    /// <summary>Who reads an entry: the patient it concerns, or the clinician who acted (their own trail).</summary>
    private static bool MayRead(RecordCaller caller, AccessLogRow row) =>
        caller.IsOwner(row.Patient) || (caller.IsClinician && string.Equals(row.Actor, caller.SubjectId, StringComparison.Ordinal));

    /// <summary><c>date</c> on the instant recorded, in SQL, as <see cref="FhirDateRange.Matches"/> tests it.</summary>
    private static Expression<Func<AccessLogRow, bool>> Recorded(FhirDateRange date)
    {
        var start = date.Start.ToUnixTimeMilliseconds();
        var end = date.End.ToUnixTimeMilliseconds();
        return date.Prefix switch
        {
            "eq" => a => a.AtMs >= start && a.AtMs < end,
            "ne" => a => a.AtMs < start || a.AtMs >= end,
            "gt" or "sa" => a => a.AtMs >= end,
            "lt" or "eb" => a => a.AtMs < start,
            "ge" => a => a.AtMs >= start,
            "le" => a => a.AtMs < end,
            _ => a => false,
        };
    }

    private static ProblemException Invalid(string detail) => ProblemException.BadRequest(detail, "invalid_search_parameter");
}
