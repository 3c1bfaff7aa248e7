namespace Platform.Security.Tests;

/// <summary>The columns of AccessMatrix.md: every kind of caller the platform knows.</summary>
public static class PrincipalKinds
{
    public const string Anonymous = "anonymous";

    /// <summary>Owns the seeded record, consent and KYC case.</summary>
    public const string Patient = "patient";

    /// <summary>A patient, but not the one whose resources the request names.</summary>
    public const string OtherPatient = "other-patient";

    /// <summary>The patient again, with a token that carries only <c>openid</c>: scopes must matter on their own.</summary>
    public const string PatientWithoutScopes = "patient-openid-only";

    /// <summary>Holds the patient's consent (observations, treatment, access and correct).</summary>
    public const string Clinician = "clinician";

    public const string ClinicianWithoutConsent = "clinician-no-consent";
    public const string Reviewer = "kyc-reviewer";
    public const string Admin = "admin";

    /// <summary>The platform's service client with <c>consent.decide</c> (what the record vault holds).</summary>
    public const string ServiceDecide = "service-decide";

    /// <summary>The platform's service client with <c>ledger.submit</c> (what consent and the vault publish with).</summary>
    public const string ServiceSubmit = "service-submit";

    /// <summary>An unsigned token (<c>alg: none</c>) that claims to be an admin with a second factor and every scope.</summary>
    public const string ForgedAdmin = "forged-admin";

    /// <summary>
    /// A person with a second factor and the <c>research.export</c> scope who represents the research organisations of
    /// <see cref="SecurityPlatform.ResearcherStudies"/>: the bad-input corpus's caller for the export route. Not a column
    /// of the matrix (no other route treats a researcher differently from the patient they also are).
    /// </summary>
    public const string Researcher = "researcher";

    /// <summary>
    /// The ledger's static administrator token (<c>Ledger:AdminToken</c>, as the chart's <c>Ledger__AdminToken</c>): lets
    /// the bad-input corpus reach the governance endpoints. Not a column of the matrix (no user or service holds it).
    /// </summary>
    public const string LedgerAdminToken = "ledger-admin-token";

    public static readonly string[] All =
    [
        Anonymous, Patient, OtherPatient, PatientWithoutScopes, Clinician, ClinicianWithoutConsent, Reviewer, Admin, ServiceDecide, ServiceSubmit, ForgedAdmin,
    ];
}
