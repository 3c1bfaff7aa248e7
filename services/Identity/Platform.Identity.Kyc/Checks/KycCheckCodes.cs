namespace Platform.Identity.Kyc;

/// <summary>Stable codes of the automated checks, in the order <see cref="KycCheckRunner"/> runs them.</summary>
public static class KycCheckCodes
{
    public const string MrzIntegrity = "mrz_integrity";
    public const string DocumentExpiry = "document_expiry";
    public const string MinimumAge = "minimum_age";
    public const string FormConsistency = "form_consistency";
    public const string SanctionsScreening = "sanctions_screening";
    public const string PepScreening = "pep_screening";
    public const string DuplicateIdentity = "duplicate_identity";

    public static IReadOnlyList<string> All { get; } =
        [MrzIntegrity, DocumentExpiry, MinimumAge, FormConsistency, SanctionsScreening, PepScreening, DuplicateIdentity];
}
