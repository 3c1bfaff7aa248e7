using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;

namespace Platform.Contracts.CodeLists;

/// <summary>
/// The purposes a consent can be granted for: a closed subset of HL7 v3 ActReason (PurposeOfUse). Codes are the
/// HL7 codes themselves, so the FHIR export needs no mapping.
/// </summary>
/// <remarks>
/// Purposes are matched exactly. HL7 places ETREAT under TREAT, but a treatment grant does not cover emergency
/// requests here: an emergency without an explicit ETREAT grant goes through break-glass, which is audited.
/// </remarks>
public static class PurposesOfUse
{
    public const string System = "http://terminology.hl7.org/CodeSystem/v3-ActReason";

    public const string Treatment = "TREAT";
    public const string EmergencyTreatment = "ETREAT";
    public const string HealthcareResearch = "HRESCH";
    public const string HealthcarePayment = "HPAYMT";
    public const string HealthcareOperations = "HOPERAT";

    public static IReadOnlyList<PurposeOfUse> All { get; } =
    [
        new(Treatment, "treatment"),
        new(EmergencyTreatment, "emergency treatment"),
        new(HealthcareResearch, "healthcare research"),
        new(HealthcarePayment, "healthcare payment"),
        new(HealthcareOperations, "healthcare operations"),
    ];

    private static readonly FrozenDictionary<string, PurposeOfUse> ByCode =
        All.ToFrozenDictionary(p => p.Code, StringComparer.Ordinal);

    /// <summary>Exact, case-sensitive lookup (HL7 codes are upper case).</summary>
    public static bool TryGet(string? code, [NotNullWhen(true)] out PurposeOfUse? purpose)
    {
        purpose = null;
        return code is not null && ByCode.TryGetValue(code, out purpose);
    }

    public static bool IsKnown(string? code) => code is not null && ByCode.ContainsKey(code);
}
