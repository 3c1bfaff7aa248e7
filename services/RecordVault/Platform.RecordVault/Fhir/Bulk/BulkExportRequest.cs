using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Platform.RecordVault.Fhir.Bulk;

/// <summary>
/// The kick-off request of a patient-level export (FHIR Bulk Data Access 2.0, <c>Patient/{id}/$export</c>):
/// <c>Prefer: respond-async</c> is required; <c>_type</c> (comma-separated, repeatable; the served types only),
/// <c>_since</c> (a FHIR instant: date, time and zone) and <c>_outputFormat</c> (NDJSON only) are read. Everything
/// else the IG defines (<c>_typeFilter</c>, <c>_elements</c>, <c>patient</c>, <c>includeAssociatedData</c>) is a 400
/// naming it rather than ignored: an ignored filter would export more than was asked.
/// </summary>
public sealed partial record BulkExportRequest(IReadOnlyList<string>? Types, DateTimeOffset? Since)
{
    private static readonly string[] NdjsonFormats = ["application/fhir+ndjson", "application/ndjson", "ndjson"];

    public static BulkExportRequest Parse(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        RequireRespondAsync(request.Headers["Prefer"]);
        List<string>? types = null;
        DateTimeOffset? since = null;
        foreach (var (name, values) in request.Query)
        {
            foreach (var value in values.Select(v => v ?? ""))
            {
                switch (name)
                {
                    case "_type":
                        types ??= [];
                        foreach (var type in value.Split(',', StringSplitOptions.TrimEntries))
                        {
                            if (!FhirResourceTypes.IsServed(type))
                            {
                                throw BulkExportProblems.BadRequest(
                                    $"'_type' names '{Short(type)}'; this server exports {string.Join(", ", FhirResourceTypes.All)}.",
                                    BulkExportProblems.UnsupportedExportType);
                            }
                            if (!types.Contains(type, StringComparer.Ordinal))
                            {
                                types.Add(type);
                            }
                        }
                        break;
                    case "_since":
                        if (since is not null || !TryParseInstant(value, out var instant))
                        {
                            throw BulkExportProblems.BadRequest("'_since' takes one FHIR instant, e.g. 2026-01-31T12:00:00Z (a date, a time and a zone).",
                                BulkExportProblems.InvalidExportParameter);
                        }
                        since = instant;
                        break;
                    case "_outputFormat":
                        if (!NdjsonFormats.Contains(value, StringComparer.OrdinalIgnoreCase))
                        {
                            throw BulkExportProblems.BadRequest("'_outputFormat' supports application/fhir+ndjson only.", BulkExportProblems.InvalidExportParameter);
                        }
                        break;
                    default:
                        throw BulkExportProblems.BadRequest(
                            $"'{Short(name)}' is not supported here; supported: _type, _since, _outputFormat.", BulkExportProblems.UnsupportedExportParameter);
                }
            }
        }
        return new BulkExportRequest(types, since);
    }

    private static void RequireRespondAsync(StringValues prefer)
    {
        var asked = prefer.SelectMany(p => (p ?? "").Split(',', StringSplitOptions.TrimEntries))
            .Any(p => string.Equals(p, "respond-async", StringComparison.OrdinalIgnoreCase));
        if (!asked)
        {
            throw BulkExportProblems.BadRequest("A bulk export runs asynchronously: send 'Prefer: respond-async'.", BulkExportProblems.RespondAsyncRequired);
        }
    }

    /// <summary>A FHIR instant: <c>YYYY-MM-DDThh:mm:ss[.fffffff](Z|±hh:mm)</c>, nothing less precise.</summary>
    private static bool TryParseInstant(string value, out DateTimeOffset instant)
    {
        instant = default;
        return Instant().IsMatch(value)
            && DateTimeOffset.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out instant);
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,7})?(Z|[+-]\d{2}:\d{2})$")]
    private static partial System.Text.RegularExpressions.Regex Instant();

    private static string Short(string text) => text.Length <= 64 ? text : text[..64] + "…";
}
