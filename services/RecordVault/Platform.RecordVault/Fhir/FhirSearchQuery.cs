using System.Globalization;
using Microsoft.AspNetCore.Http;
using Platform.ServiceDefaults;

namespace Platform.RecordVault.Fhir;

/// <summary>
/// The search parameters the API supports, read from the query (and, for <c>_search</c>, the form): <c>patient</c>,
/// <c>_id</c>, <c>_lastUpdated</c> (with prefixes, repeatable), the content parameters R4 defines for the type among
/// <c>code</c>, <c>category</c> and <c>date</c> (<see cref="FhirContentSearch"/>), <c>_sort</c> (<c>_lastUpdated</c> either way),
/// <c>_count</c> (at most <see cref="MaxCount"/>) and <c>_offset</c> (the paging links' own). Any other parameter is a
/// 400 naming it: a server that ignored <c>code=…</c> would answer with more than was asked for, and a client could
/// not tell (the CapabilityStatement lists exactly these).
/// </summary>
/// <param name="Tokens"><c>code</c> and <c>category</c> values (each must match; its alternatives any).</param>
/// <param name="Dates"><c>date</c> values (each must hold for some date of the resource).</param>
public sealed record FhirSearchQuery(string? Patient, IReadOnlyList<Guid> Ids, IReadOnlyList<FhirDateRange> LastUpdated, bool Descending, int Count, int Offset,
    IReadOnlyList<FhirTokenParameter> Tokens, IReadOnlyList<FhirDateRange> Dates)
{
    /// <summary>Whether the search needs the content's search keys.</summary>
    public bool UsesContent => Tokens.Count > 0 || Dates.Count > 0;

    public const int DefaultCount = 20;
    public const int MaxCount = 100;

    /// <summary>Parameters that change only the representation, which this server has one of.</summary>
    private static readonly string[] Ignored = ["_format", "_pretty", "_total"];

    public static FhirSearchQuery Parse(string type, IEnumerable<KeyValuePair<string, Microsoft.Extensions.Primitives.StringValues>> parameters)
    {
        var tokens = new List<FhirTokenParameter>();
        var dates = new List<FhirDateRange>();
        ArgumentNullException.ThrowIfNull(parameters);
        string? patient = null;
        var ids = new List<Guid>();
        var lastUpdated = new List<FhirDateRange>();
        var descending = false;
        var count = DefaultCount;
        var offset = 0;
        foreach (var (name, values) in parameters)
        {
            foreach (var value in values.Select(v => v ?? ""))
            {
                switch (name)
                {
                    case "patient":
                        if (!PatientReference.TryParse(value, out var p) || (patient is not null && patient != p))
                        {
                            throw Invalid($"'patient' takes one patient, as Patient/{{id}} or {{id}}.");
                        }
                        patient = p;
                        break;
                    case "_id":
                        foreach (var id in value.Split(','))
                        {
                            // An id that is no UUID names no record here: it matches nothing, as FHIR expects.
                            ids.Add(Guid.TryParse(id, out var g) ? g : Guid.Empty);
                        }
                        break;
                    case "_lastUpdated":
                        lastUpdated.Add(FhirDateRange.TryParse(value, out var range) ? range!
                            : throw Invalid("'_lastUpdated' takes a prefix (eq, ne, gt, lt, ge, le, sa, eb) and a FHIR date or dateTime with a zone."));
                        break;
                    case "_sort":
                        descending = value switch
                        {
                            "_lastUpdated" => false,
                            "-_lastUpdated" => true,
                            _ => throw Invalid("'_sort' supports _lastUpdated and -_lastUpdated."),
                        };
                        break;
                    case "_count":
                        count = int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var c) ? Math.Min(c, MaxCount)
                            : throw Invalid("'_count' is a whole number.");
                        break;
                    case "_offset":
                        offset = int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var o) ? o
                            : throw Invalid("'_offset' is a whole number.");
                        break;
                    case FhirContentSearch.Code or FhirContentSearch.Category when FhirContentSearch.Supports(type, name):
                        tokens.Add(FhirTokenParameter.TryParse(name, value, out var token) ? token!
                            : throw Invalid($"'{name}' takes tokens: code, system|code, |code or system|, comma-separated."));
                        break;
                    case FhirContentSearch.Date when FhirContentSearch.Supports(type, name):
                        dates.Add(FhirDateRange.TryParse(value, out var date) ? date!
                            : throw Invalid("'date' takes a prefix (eq, ne, gt, lt, ge, le, sa, eb) and a FHIR date or dateTime with a zone."));
                        break;
                    default:
                        if (!Ignored.Contains(name, StringComparer.Ordinal))
                        {
                            var supported = string.Join(", ", new[] { "patient", "_id", "_lastUpdated", "_sort", "_count", "_offset" }
                                .Concat(FhirContentSearch.For(type).Select(p => p.Name)));
                            throw new ProblemException(StatusCodes.Status400BadRequest, "Unsupported search parameter.",
                                $"'{(name.Length <= 64 ? name : name[..64] + "…")}' is not supported for {type}; supported: {supported}.",
                                "unsupported_search_parameter");
                        }
                        break;
                }
            }
        }
        return new FhirSearchQuery(patient, ids, lastUpdated, descending, count, offset, tokens, dates);
    }

    /// <summary>The query string of this search at another offset (the Bundle's self, first, previous, next and last links).</summary>
    public string ToQueryString(int offset)
    {
        var parts = new List<string>();
        if (Patient is not null)
        {
            parts.Add("patient=" + Uri.EscapeDataString("Patient/" + Patient));
        }
        if (Ids.Count > 0)
        {
            parts.Add("_id=" + string.Join(",", Ids.Select(i => i.ToString("D"))));
        }
        parts.AddRange(LastUpdated.Select(r => "_lastUpdated=" + Uri.EscapeDataString(r.Text)));
        parts.AddRange(Tokens.Select(t => t.Name + "=" + Uri.EscapeDataString(t.Text)));
        parts.AddRange(Dates.Select(r => "date=" + Uri.EscapeDataString(r.Text)));
        parts.Add("_sort=" + (Descending ? "-_lastUpdated" : "_lastUpdated"));
        parts.Add("_count=" + Count.ToString(CultureInfo.InvariantCulture));
        parts.Add("_offset=" + offset.ToString(CultureInfo.InvariantCulture));
        return string.Join("&", parts);
    }

    private static ProblemException Invalid(string detail) => ProblemException.BadRequest(detail, "invalid_search_parameter");
}
