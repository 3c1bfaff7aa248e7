using Hl7.Fhir.FhirPath;
using Hl7.Fhir.Utility;
using Platform.RecordVault.Data;
using Platform.RecordVault.Records;
using R4 = Hl7.Fhir.Model;

namespace Platform.RecordVault.Fhir;

/// <summary>
/// The content search parameters (<c>code</c>, <c>category</c>, <c>date</c>) as the FHIR R4 specification defines them
/// for each served type — the expressions are the specification's own (<see cref="R4.ModelInfo.SearchParameters"/>),
/// so a type gets exactly the parameters R4 gives it (Condition has no <c>date</c>, Immunization no <c>code</c>) — and
/// the search keys a resource's values give: blind-indexed tokens and date ranges (<see cref="RecordSearchKeyRow"/>).
/// </summary>
public static class FhirContentSearch
{
    public const string Code = "code";
    public const string Category = "category";
    public const string Date = "date";

    private static readonly string[] Names = [Code, Category, Date];

    private static readonly Dictionary<string, R4.SearchParamDefinition[]> ByType = FhirResourceTypes.All.ToDictionary(
        type => type,
        type => R4.ModelInfo.SearchParameters.Where(p => p.Resource == type && Names.Contains(p.Name, StringComparer.Ordinal)).OrderBy(p => p.Name, StringComparer.Ordinal).ToArray(),
        StringComparer.Ordinal);

    /// <summary>The content parameters R4 defines for the type.</summary>
    public static IReadOnlyList<R4.SearchParamDefinition> For(string type) => ByType.TryGetValue(type, out var found) ? found : [];

    public static bool Supports(string type, string parameter) => For(type).Any(p => p.Name == parameter);

    /// <summary>
    /// The search keys of a resource's current version. Tokens are hashed in three forms each (code alone,
    /// system|code, system|) so that every FHIR token search form is one lookup; dates become their ranges.
    /// </summary>
    public static List<RecordSearchKeyRow> Keys(R4.Resource resource, Guid recordId, string patient, SearchKeyHasher hasher)
    {
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentNullException.ThrowIfNull(hasher);
        var rows = new List<RecordSearchKeyRow>();
        foreach (var parameter in For(resource.TypeName))
        {
            var name = parameter.Name!;
            var values = resource.Select(parameter.Expression!).OfType<R4.Base>().ToList();
            if (parameter.Type == R4.SearchParamType.Token)
            {
                var forms = new HashSet<string>(StringComparer.Ordinal);
                foreach (var (system, code) in values.SelectMany(Codings))
                {
                    forms.Add(SearchKeyHasher.CodeForm(code));
                    forms.Add(SearchKeyHasher.SystemCodeForm(system, code));
                    if (!string.IsNullOrEmpty(system))
                    {
                        forms.Add(SearchKeyHasher.SystemForm(system));
                    }
                }
                rows.AddRange(forms.Select(form => Row(resource, recordId, patient, name, hasher.Hash(patient, name, form), null)));
            }
            else
            {
                rows.AddRange(values.SelectMany(Ranges).Distinct()
                    .Select(range => Row(resource, recordId, patient, name, null, range)));
            }
        }
        return rows;
    }

    private static RecordSearchKeyRow Row(R4.Resource resource, Guid recordId, string patient, string parameter, string? token, (long Start, long End)? range) => new()
    {
        RecordId = recordId, Patient = patient, ResourceType = resource.TypeName, Parameter = parameter,
        Token = token, StartMs = range?.Start, EndMs = range?.End,
    };

    private static IEnumerable<(string? System, string Code)> Codings(R4.Base value)
    {
        switch (value)
        {
            case R4.CodeableConcept concept:
                foreach (var coding in concept.Coding.Where(c => !string.IsNullOrEmpty(c.Code)))
                {
                    yield return (coding.System, coding.Code!);
                }
                break;
            case R4.Coding coding when !string.IsNullOrEmpty(coding.Code):
                yield return (coding.System, coding.Code!);
                break;
            case R4.PrimitiveType primitive when primitive.GetType().GetProperty("Value")?.GetValue(primitive) is Enum member:
                // A code bound to a required value set (AllergyIntolerance.category): its system is the value set's code system.
                yield return (member.GetSystem(), primitive.ToString()!);
                break;
            case R4.PrimitiveType primitive when primitive.ToString() is { Length: > 0 } text:
                yield return (null, text);
                break;
        }
    }

    private static IEnumerable<(long Start, long End)> Ranges(R4.Base value)
    {
        switch (value)
        {
            case R4.Period period:
                var start = period.Start is { } s && FhirDateRange.TryParse(s, out var from) ? from!.Start.ToUnixTimeMilliseconds() : long.MinValue;
                var end = period.End is { } e && FhirDateRange.TryParse(e, out var to) ? to!.End.ToUnixTimeMilliseconds() : long.MaxValue;
                if (period.Start is not null || period.End is not null)
                {
                    yield return (start, end);
                }
                break;
            case R4.FhirDateTime or R4.Date or R4.Instant:
                if (FhirDateRange.TryParse(value.ToString()!, out var range1))
                {
                    yield return (range1!.Start.ToUnixTimeMilliseconds(), range1.End.ToUnixTimeMilliseconds());
                }
                break;
        }
    }
}
