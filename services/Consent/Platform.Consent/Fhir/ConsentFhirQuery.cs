using System.Globalization;
using Microsoft.Extensions.Primitives;
using Platform.Consent.Core;
using Platform.ServiceDefaults;
using Platform.SignedEvents;

namespace Platform.Consent.Fhir;

/// <summary>
/// The Consent search parameters served: <c>patient</c> (<c>Patient/{pseudonym}</c> or the bare pseudonym, the
/// same id the record vault's FHIR API uses), <c>status</c> (FHIR consent-state codes, comma-separated: only
/// <c>active</c> and <c>inactive</c> ever match), <c>_count</c> (default 20, at most 100) and <c>_offset</c> (what
/// the paging links carry). Anything else is a 400 naming it: an ignored filter would answer with more than was asked.
/// </summary>
public sealed record ConsentFhirQuery(string? Patient, IReadOnlyList<string> Statuses, int Count, int Offset)
{
    public const int DefaultCount = 20;
    public const int MaxCount = 100;

    /// <summary>http://hl7.org/fhir/consent-state-codes (R4).</summary>
    private static readonly string[] StateCodes = ["draft", "proposed", "active", "rejected", "inactive", "entered-in-error"];

    private static readonly string[] Ignored = ["_format", "_pretty", "_total"];

    public static ConsentFhirQuery Parse(IEnumerable<KeyValuePair<string, StringValues>> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        string? patient = null;
        var statuses = new List<string>();
        var count = DefaultCount;
        var offset = 0;
        foreach (var (name, values) in parameters)
        {
            foreach (var value in values.Select(v => v ?? ""))
            {
                switch (name)
                {
                    case "patient":
                        var id = value.StartsWith("Patient/", StringComparison.Ordinal) ? value["Patient/".Length..] : value;
                        if (!Pseudonyms.IsValid(id) || (patient is not null && patient != id))
                        {
                            throw Invalid("'patient' takes one patient, as Patient/{id} or {id}.");
                        }
                        patient = id;
                        break;
                    case "status":
                        foreach (var code in value.Split(','))
                        {
                            statuses.Add(StateCodes.Contains(code, StringComparer.Ordinal) ? code
                                : throw Invalid($"'status' takes consent-state codes: {string.Join(", ", StateCodes)}."));
                        }
                        break;
                    case "_count":
                        count = int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var c) ? Math.Min(c, MaxCount)
                            : throw Invalid("'_count' is a whole number.");
                        break;
                    case "_offset":
                        offset = int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var o) ? o
                            : throw Invalid("'_offset' is a whole number.");
                        break;
                    default:
                        if (!Ignored.Contains(name, StringComparer.Ordinal))
                        {
                            throw new ProblemException(Microsoft.AspNetCore.Http.StatusCodes.Status400BadRequest, "Unsupported search parameter.",
                                $"'{(name.Length <= 64 ? name : name[..64] + "…")}' is not supported here; supported: patient, status, _count, _offset.",
                                "unsupported_search_parameter");
                        }
                        break;
                }
            }
        }
        return new ConsentFhirQuery(patient, statuses, count, offset);
    }

    /// <summary>The query string of this search at another offset (the Bundle's paging links).</summary>
    public string ToQueryString(int offset)
    {
        var parts = new List<string>();
        if (Patient is not null)
        {
            parts.Add("patient=" + Uri.EscapeDataString("Patient/" + Patient));
        }
        if (Statuses.Count > 0)
        {
            parts.Add("status=" + string.Join(",", Statuses));
        }
        parts.Add("_count=" + Count.ToString(CultureInfo.InvariantCulture));
        parts.Add("_offset=" + offset.ToString(CultureInfo.InvariantCulture));
        return string.Join("&", parts);
    }

    private static ProblemException Invalid(string detail) => ProblemException.BadRequest(detail, "invalid_search_parameter");
}
