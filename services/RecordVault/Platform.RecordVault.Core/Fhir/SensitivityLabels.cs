using Platform.Contracts.CodeLists;
using R4 = Hl7.Fhir.Model;

namespace Platform.RecordVault.Core;

/// <summary>
/// Reads the sensitivity labels of a resource: <c>meta.security</c> codings of the HL7 v3 ActCode system, on the
/// resource itself and on its contained resources (a contained resource is stored, and released, with its container).
/// Every ActCode label either maps to one of the platform's sensitive categories (<see cref="ActCodeSensitivities"/>)
/// or is reported as unsupported, so the vault refuses the resource: a label its author set is never dropped.
/// </summary>
/// <remarks>
/// A coding with a mapped code but no system counts too: over-labelling only narrows who may read the record, while
/// ignoring an intended label would release it under an ordinary grant. A coding without a system whose code is not
/// mapped is left alone: it cannot be told apart from other security labels (confidentiality <c>R</c>, integrity, …),
/// which live in other systems. Codings of other systems are not sensitivity labels and are kept as they are.
/// </remarks>
public static class SensitivityLabels
{
    /// <summary>The distinct sensitive categories labelled on <paramref name="resource"/>, in code-list order.</summary>
    public static IReadOnlyList<RecordCategory> SensitiveCategoriesOf(R4.Resource resource) => Read(resource).Categories;

    /// <summary>The sensitive categories the labels map to, and the ActCode labels that map to none.</summary>
    public static SensitivityLabelReading Read(R4.Resource resource)
    {
        ArgumentNullException.ThrowIfNull(resource);
        var found = new HashSet<RecordCategory>();
        var unsupported = new SortedSet<string>(StringComparer.Ordinal);
        Collect(resource, found, unsupported);
        if (resource is R4.DomainResource domain)
        {
            foreach (var contained in domain.Contained)
            {
                Collect(contained, found, unsupported);
            }
        }
        return new SensitivityLabelReading(RecordCategories.All.Where(found.Contains).ToList(), unsupported.ToList());
    }

    private static void Collect(R4.Resource resource, HashSet<RecordCategory> found, SortedSet<string> unsupported)
    {
        foreach (var coding in resource.Meta?.Security ?? [])
        {
            if (coding.Code is not { } code || (coding.System is not null && coding.System != RecordCategories.ActCodeSystem))
            {
                continue;
            }
            if (ActCodeSensitivities.TryMap(code, out var category))
            {
                found.Add(category);
            }
            else if (coding.System is not null)
            {
                unsupported.Add(code);
            }
        }
    }
}

/// <summary>What <see cref="SensitivityLabels.Read"/> found: mapped categories and ActCode labels the platform cannot honour.</summary>
public sealed record SensitivityLabelReading(IReadOnlyList<RecordCategory> Categories, IReadOnlyList<string> UnsupportedCodes);
