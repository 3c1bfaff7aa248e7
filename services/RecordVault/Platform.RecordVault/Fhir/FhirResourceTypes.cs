using Platform.Consent.Core;
using Platform.ServiceDefaults;
using R4 = Hl7.Fhir.Model;

namespace Platform.RecordVault.Fhir;

/// <summary>
/// The resource types the FHIR API serves — the vault's record types that belong to the patient compartment — and
/// where each names its patient (<c>subject</c> or <c>patient</c>, the compartment's link and the <c>patient</c>
/// search parameter).
/// </summary>
public static class FhirResourceTypes
{
    private static readonly Dictionary<string, Func<R4.Resource, R4.ResourceReference?>> PatientOf = new(StringComparer.Ordinal)
    {
        ["AllergyIntolerance"] = r => ((R4.AllergyIntolerance)r).Patient,
        ["Condition"] = r => ((R4.Condition)r).Subject,
        ["DiagnosticReport"] = r => ((R4.DiagnosticReport)r).Subject,
        ["DocumentReference"] = r => ((R4.DocumentReference)r).Subject,
        ["Immunization"] = r => ((R4.Immunization)r).Patient,
        ["MedicationRequest"] = r => ((R4.MedicationRequest)r).Subject,
        ["MedicationStatement"] = r => ((R4.MedicationStatement)r).Subject,
        ["Observation"] = r => ((R4.Observation)r).Subject,
        ["Procedure"] = r => ((R4.Procedure)r).Subject,
    };

    /// <summary>Served types, in the order the CapabilityStatement lists them.</summary>
    public static IReadOnlyList<string> All { get; } = PatientOf.Keys.Order(StringComparer.Ordinal).ToList();

    public static bool IsServed(string type) => PatientOf.ContainsKey(type);

    /// <summary>
    /// The types served with other interactions than the record types' (their own routes): what each offers, so that an
    /// interaction they lack (a Binary search, an AuditEvent update) is refused with the truth rather than as an unknown type.
    /// </summary>
    private static readonly Dictionary<string, string> OtherTypes = new(StringComparer.Ordinal)
    {
        ["Binary"] = "read, vread and create",
        ["AuditEvent"] = "read and search",
    };

    /// <summary>
    /// 404 OperationOutcome for a type the API does not serve with <paramref name="interaction"/> (whether or not FHIR
    /// defines it): <c>unknown_resource_type</c>, or <c>unsupported_interaction</c> for Binary and AuditEvent, which are
    /// served with other interactions — the message says which, and which types have this one.
    /// </summary>
    public static void RequireServed(string type, string interaction)
    {
        if (IsServed(type))
        {
            return;
        }
        if (OtherTypes.TryGetValue(type, out var offered))
        {
            throw new ProblemException(Microsoft.AspNetCore.Http.StatusCodes.Status404NotFound, "Interaction not supported.",
                $"{type} is served here for {offered} only, not {interaction}; {interaction} is served for {string.Join(", ", All)}.", "unsupported_interaction");
        }
        throw new ProblemException(Microsoft.AspNetCore.Http.StatusCodes.Status404NotFound, "Unknown resource type.",
            $"This server serves {string.Join(", ", All)} (and Binary, AuditEvent); not '{(type.Length <= 64 ? type : type[..64] + "…")}'.", "unknown_resource_type");
    }

    /// <summary>
    /// The patient pseudonym the resource's compartment link names (<c>Patient/{id}</c>), or a 422 saying what is
    /// missing: the vault files every record under one patient, and the content must say which.
    /// </summary>
    public static string PatientPseudonym(R4.Resource resource)
    {
        ArgumentNullException.ThrowIfNull(resource);
        var reference = PatientOf[resource.TypeName](resource)?.Reference;
        if (PatientReference.TryParse(reference, out var patient))
        {
            return patient;
        }
        throw ProblemException.Unprocessable(
            $"A {resource.TypeName} names its patient as a reference 'Patient/{{id}}' (the patient's pseudonymous id).", "patient_reference_required");
    }
}

/// <summary>A reference to a patient as the API accepts it: <c>Patient/{id}</c>, a bare id, or an absolute URL ending so.</summary>
public static class PatientReference
{
    public static bool TryParse(string? value, out string patient)
    {
        patient = "";
        if (string.IsNullOrEmpty(value))
        {
            return false;
        }
        var marker = value.LastIndexOf("Patient/", StringComparison.Ordinal);
        var id = marker >= 0 ? value[(marker + "Patient/".Length)..] : value.Contains('/', StringComparison.Ordinal) ? "" : value;
        if (!Pseudonyms.IsValid(id))
        {
            return false;
        }
        patient = id;
        return true;
    }
}
