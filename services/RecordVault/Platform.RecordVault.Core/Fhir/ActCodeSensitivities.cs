using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;
using Platform.Contracts.CodeLists;

namespace Platform.RecordVault.Core;

/// <summary>
/// Which HL7 v3 ActCode sensitivity labels the vault honours, and under which sensitive category of the code list
/// (<see cref="RecordCategories"/>) a labelled record is stored. Taken from the value set
/// <c>http://terminology.hl7.org/ValueSet/v3-ActInformationSensitivityPolicy</c> (THO, ActCode 8.0.0/9.0.0): each
/// code goes to the category a patient would expect to protect it. Codes that fit no category (SDV, MST, COGN, DVD,
/// IDS, SPI, TBOO, …) and every other ActCode (obligations, refrain policies) are not here, so a resource carrying one
/// is refused (422) instead of being stored as an ordinary record with its label dropped.
/// </summary>
public static class ActCodeSensitivities
{
    private static readonly FrozenDictionary<string, string> CategoryByCode = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        // Mental health: MH itself, psychiatric disorders, psychotherapy notes, behavioral health, emotional disturbance.
        ["MH"] = RecordCategories.MentalHealth,
        ["PSY"] = RecordCategories.MentalHealth,
        ["PSYTHPN"] = RecordCategories.MentalHealth,
        ["BH"] = RecordCategories.MentalHealth,
        ["EMOTDIS"] = RecordCategories.MentalHealth,
        // Sexual and reproductive health: SEX itself, sexually transmitted disease, HIV/AIDS, pregnancy.
        ["SEX"] = RecordCategories.SexualHealth,
        ["STD"] = RecordCategories.SexualHealth,
        ["HIV"] = RecordCategories.SexualHealth,
        ["PREGNANT"] = RecordCategories.SexualHealth,
        // Genetic: genetic disease, and sickle cell (a hereditary disease; SCA and its newer code SICKLE).
        ["GDIS"] = RecordCategories.Genetic,
        ["SCA"] = RecordCategories.Genetic,
        ["SICKLE"] = RecordCategories.Genetic,
        // Substance use: ETH itself, substance use disorder and its kinds, and the US law that protects it (42 CFR Part 2).
        ["ETH"] = RecordCategories.SubstanceUse,
        ["SUD"] = RecordCategories.SubstanceUse,
        ["ETHUD"] = RecordCategories.SubstanceUse,
        ["OPIOIDUD"] = RecordCategories.SubstanceUse,
        ["42CFRPart2"] = RecordCategories.SubstanceUse,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Every mapped code with its category code, for documentation and tests.</summary>
    public static IReadOnlyDictionary<string, string> All => CategoryByCode;

    /// <summary>Exact, case-sensitive: ActCode codes are identifiers.</summary>
    public static bool TryMap(string code, [NotNullWhen(true)] out RecordCategory? category)
    {
        category = null;
        return CategoryByCode.TryGetValue(code, out var categoryCode) && RecordCategories.TryGet(categoryCode, out category);
    }
}
