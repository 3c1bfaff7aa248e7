namespace Platform.RecordVault.Core.Research;

/// <summary>
/// The version of the de-identification rules. Every exported resource carries it as a <c>meta.tag</c>, and an
/// export's manifest names it, so a researcher (or auditor) knows which rules produced a file. Bump it whenever a rule
/// changes what leaves the vault; old exports keep the version they were made with.
/// </summary>
public static class DeidRules
{
    /// <summary>The current rule set: <c>deid-rules</c> version 1 (HIPAA Safe Harbor, 45 CFR 164.514(b)(2)).</summary>
    public const string Version = "1";

    /// <summary>The code system of the <c>meta.tag</c> coding whose code is <see cref="Version"/>.</summary>
    public const string TagSystem = "urn:kyc-consent-platform:research:deid-rules";

    /// <summary>Identifier system of a participant's study pseudonym (one namespace per study: see <see cref="StudyPseudonyms"/>).</summary>
    public const string ParticipantSystemPrefix = "urn:kyc-consent-platform:research:study:";

    /// <summary>Extension carrying a generalised birth year band (e.g. <c>1960-1969</c>) or <c>90+</c> instead of a birth date.</summary>
    public const string AgeGroupExtension = "urn:kyc-consent-platform:research:age-group";

    /// <summary>Ages above this are grouped (Safe Harbor (C)): the birth year goes and the age group reads <c>90+</c>.</summary>
    public const int OldestAgeShown = 89;
}
