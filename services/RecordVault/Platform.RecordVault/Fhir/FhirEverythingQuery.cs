using System.Globalization;
using Platform.ServiceDefaults;

namespace Platform.RecordVault.Fhir;

/// <summary>
/// The parameters of <c>Patient/{id}/$everything</c> this server supports: <c>_since</c> (resources last updated at or
/// after this instant), <c>_count</c> (page size, at most <see cref="FhirSearchQuery.MaxCount"/>) and <c>_offset</c>
/// (the paging links'). <c>start</c>, <c>end</c>, <c>_type</c> and anything else are a 400 naming them, as in search.
/// </summary>
public sealed record FhirEverythingQuery(FhirDateRange? Since, int Count, int Offset)
{
    private static readonly string[] Ignored = ["_format", "_pretty"];

    public static FhirEverythingQuery Parse(IEnumerable<KeyValuePair<string, Microsoft.Extensions.Primitives.StringValues>> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        FhirDateRange? since = null;
        var count = FhirSearchQuery.DefaultCount;
        var offset = 0;
        foreach (var (name, values) in parameters)
        {
            foreach (var value in values.Select(v => v ?? ""))
            {
                switch (name)
                {
                    case "_since":
                        // An instant: to the second at least, with a zone (FHIR R4, Patient-everything).
                        since = FhirDateRange.TryParse(value, out var range) && range!.Prefix == "eq" && value.Contains('T', StringComparison.Ordinal) && value.Length >= 20
                            ? range : throw Invalid("'_since' is an instant: YYYY-MM-DDThh:mm:ss with a zone.");
                        break;
                    case "_count":
                        count = int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var c) ? Math.Min(c, FhirSearchQuery.MaxCount)
                            : throw Invalid("'_count' is a whole number.");
                        break;
                    case "_offset":
                        offset = int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var o) ? o
                            : throw Invalid("'_offset' is a whole number.");
                        break;
                    default:
                        if (!Ignored.Contains(name, StringComparer.Ordinal))
                        {
                            throw ProblemException.BadRequest(
                                $"'{(name.Length <= 64 ? name : name[..64] + "…")}' is not supported by $everything here; supported: _since, _count, _offset.",
                                "unsupported_search_parameter");
                        }
                        break;
                }
            }
        }
        return new FhirEverythingQuery(since, count, offset);
    }

    /// <summary>The query string of this request at another offset (the Bundle's paging links).</summary>
    public string ToQueryString(int offset)
    {
        var parts = new List<string>();
        if (Since is not null)
        {
            parts.Add("_since=" + Uri.EscapeDataString(Since.Text));
        }
        parts.Add("_count=" + Count.ToString(CultureInfo.InvariantCulture));
        parts.Add("_offset=" + offset.ToString(CultureInfo.InvariantCulture));
        return string.Join("&", parts);
    }

    private static ProblemException Invalid(string detail) => ProblemException.BadRequest(detail, "invalid_search_parameter");
}
