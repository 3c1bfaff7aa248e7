namespace Platform.Identity.Kyc;

/// <summary>Stable reason codes of <see cref="CheckResult"/>s; they double as rejection reasons shown to the applicant.</summary>
public static class KycCheckReasons
{
    public const string Passed = "passed";

    /// <summary>The MRZ failed to parse; the details carry the <see cref="MrzProblemCodes"/>.</summary>
    public const string MrzInvalid = "mrz_invalid";

    /// <summary>A valid MRZ of ICAO's specimen state <c>UTO</c>, refused unless specimens are accepted.</summary>
    public const string SpecimenDocument = "specimen_document";

    /// <summary>The check needs a valid MRZ and there is none.</summary>
    public const string MrzUnavailable = "mrz_unavailable";

    public const string DocumentExpired = "document_expired";
    public const string Underage = "underage";

    /// <summary>Form and MRZ disagree; the details name the fields (never their values).</summary>
    public const string FormMismatch = "form_mismatch";

    public const string SanctionsMatch = "sanctions_match";
    public const string PepMatch = "pep_match";

    /// <summary>Another account already presented the same document; the details list those accounts.</summary>
    public const string DuplicateIdentity = "duplicate_identity";
}
