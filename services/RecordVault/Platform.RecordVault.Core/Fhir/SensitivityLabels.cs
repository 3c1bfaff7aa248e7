using Platform.Consent.Core;
using R4 = Hl7.Fhir.Model;

namespace Platform.RecordVault.Core;

/// <summary>
/// Reads the sensitivity labels of a resource: <c>meta.security</c> codings of the HL7 v3 ActCode system whose code is
/// one of the sensitive categories' codes (MH, SEX, GDIS, ETH, per <see cref="RecordCategories"/>), on the resource
/// itself and on its contained resources (a contained resource is stored, and released, with its container).
/// </summary>
/// <remarks>
/// A coding with the right code but no system counts too: over-labelling only narrows who may read the record, while
/// ignoring an intended label would release it under an ordinary grant. Codes outside the code list (e.g. PSY, HIV) are
/// not mapped; the code list decides which sensitivities the platform knows.
/// </remarks>
public static class SensitivityLabels
{
    private static readonly Dictionary<string, RecordCategory> ByActCode = RecordCategories.All
        .Where(c => c.IsSensitive)
        .SelectMany(c => c.FhirCodes.Select(code => (code, c)))
        .ToDictionary(p => p.code, p => p.c, StringComparer.Ordinal);

    /// <summary>The distinct sensitive categories labelled on <paramref name="resource"/>, in code-list order.</summary>
    public static IReadOnlyList<RecordCategory> SensitiveCategoriesOf(R4.Resource resource)
    {
        ArgumentNullException.ThrowIfNull(resource);
        var found = new HashSet<RecordCategory>();
        Collect(resource, found);
        if (resource is R4.DomainResource domain)
        {
            foreach (var contained in domain.Contained)
            {
                Collect(contained, found);
            }
        }
        return RecordCategories.All.Where(found.Contains).ToList();
    }

    private static void Collect(R4.Resource resource, HashSet<RecordCategory> found)
    {
        foreach (var coding in resource.Meta?.Security ?? [])
        {
            if ((coding.System is null || coding.System == RecordCategories.ActCodeSystem)
                && coding.Code is { } code && ByActCode.TryGetValue(code, out var category))
            {
                found.Add(category);
            }
        }
    }
}
