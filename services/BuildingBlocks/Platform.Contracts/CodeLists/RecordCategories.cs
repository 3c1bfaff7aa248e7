using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;

namespace Platform.Contracts.CodeLists;

/// <summary>
/// The documented code list of record categories a consent can cover. The list is closed: unknown codes are
/// rejected, never ignored, so a typo cannot silently grant (or fail to grant) anything.
/// </summary>
/// <remarks>
/// Categories never imply each other. The four sensitive ones (mental health, sexual health, genetic,
/// substance use) are additionally never covered by an ordinary category: the record vault asks for the
/// sensitive category whenever a record carries that sensitivity label, so a grant of <c>observation</c> does not
/// reach a mental-health observation.
/// </remarks>
public static class RecordCategories
{
    /// <summary>FHIR resource type names (ConsentContentClass binding of <c>Consent.provision.class</c>).</summary>
    public const string ResourceTypeSystem = "http://hl7.org/fhir/resource-types";

    /// <summary>HL7 v3 ActCode: holds the information-sensitivity codes (MH, SEX, GDIS, ETH).</summary>
    public const string ActCodeSystem = "http://terminology.hl7.org/CodeSystem/v3-ActCode";

    public const string Observation = "observation";
    public const string Condition = "condition";
    public const string Medication = "medication";
    public const string Allergy = "allergy";
    public const string Immunization = "immunization";
    public const string Procedure = "procedure";
    public const string DiagnosticReport = "diagnostic-report";
    public const string Imaging = "imaging";
    public const string ClinicalNote = "clinical-note";
    public const string MentalHealth = "mental-health";
    public const string SexualHealth = "sexual-health";
    public const string Genetic = "genetic";
    public const string SubstanceUse = "substance-use";

    /// <summary>Every category, in the order pages should list them.</summary>
    public static IReadOnlyList<RecordCategory> All { get; } =
    [
        Ordinary(Observation, "Observations (vital signs, laboratory results)", "Observation"),
        Ordinary(Condition, "Conditions and diagnoses", "Condition"),
        Ordinary(Medication, "Medications", "MedicationRequest", "MedicationStatement", "MedicationAdministration", "MedicationDispense"),
        Ordinary(Allergy, "Allergies and intolerances", "AllergyIntolerance"),
        Ordinary(Immunization, "Immunizations", "Immunization"),
        Ordinary(Procedure, "Procedures", "Procedure"),
        Ordinary(DiagnosticReport, "Diagnostic reports", "DiagnosticReport"),
        Ordinary(Imaging, "Imaging studies", "ImagingStudy", "Media"),
        Ordinary(ClinicalNote, "Clinical notes and documents", "DocumentReference", "Composition"),
        Sensitive(MentalHealth, "Mental health", "MH"),
        Sensitive(SexualHealth, "Sexual and reproductive health", "SEX"),
        Sensitive(Genetic, "Genetic information", "GDIS"),
        Sensitive(SubstanceUse, "Substance use", "ETH"),
    ];

    private static readonly FrozenDictionary<string, RecordCategory> ByCode =
        All.ToFrozenDictionary(c => c.Code, StringComparer.Ordinal);

    private static readonly FrozenDictionary<string, RecordCategory> ByResourceType = All
        .Where(c => !c.IsSensitive)
        .SelectMany(c => c.FhirCodes.Select(type => (type, c)))
        .ToFrozenDictionary(p => p.type, p => p.c, StringComparer.Ordinal);

    /// <summary>Exact, case-sensitive lookup: codes are identifiers, not free text.</summary>
    public static bool TryGet(string? code, [NotNullWhen(true)] out RecordCategory? category)
    {
        category = null;
        return code is not null && ByCode.TryGetValue(code, out category);
    }

    public static bool IsKnown(string? code) => code is not null && ByCode.ContainsKey(code);

    /// <summary>
    /// The ordinary category of a FHIR resource type (e.g. <c>MedicationRequest</c> is <c>medication</c>), for the
    /// record vault; null for types outside the list. A record with a sensitivity label is asked for under the
    /// sensitive category instead.
    /// </summary>
    public static RecordCategory? ForResourceType(string resourceType) =>
        ByResourceType.TryGetValue(resourceType, out var category) ? category : null;

    private static RecordCategory Ordinary(string code, string display, params string[] resourceTypes) =>
        new(code, display, IsSensitive: false, ResourceTypeSystem, resourceTypes);

    private static RecordCategory Sensitive(string code, string display, string actCode) =>
        new(code, display, IsSensitive: true, ActCodeSystem, [actCode]);
}
