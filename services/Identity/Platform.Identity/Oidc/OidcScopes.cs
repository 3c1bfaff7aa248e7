namespace Platform.Identity.Oidc;

/// <summary>
/// API scopes and the service (audience) each one is for. An access token's <c>aud</c> lists the services its
/// scopes belong to, and each service accepts only tokens that name it.
/// </summary>
public static class OidcScopes
{
    /// <summary>A patient manages their own consents.</summary>
    public const string ConsentManage = "consent.manage";

    /// <summary>A service asks the consent service for access decisions.</summary>
    public const string ConsentDecide = "consent.decide";

    /// <summary>Clinicians and patients read and write records in the vault.</summary>
    public const string Records = "records";

    /// <summary>A research organisation's representative starts and downloads de-identified study exports from the vault.</summary>
    public const string ResearchExport = "research.export";

    /// <summary>A service submits signed events to the ledger.</summary>
    public const string LedgerSubmit = "ledger.submit";

    /// <summary>Auditors (and the consent service's rebuild) read the ledger's private entries.</summary>
    public const string LedgerAudit = "ledger.audit";

    /// <summary>Release the KYC-verified identity (OpenID Connect for Identity Assurance <c>verified_claims</c>) in the identity token and userinfo.</summary>
    public const string VerifiedClaims = "verified_claims";

    /// <summary>An account holder runs their KYC case; reviewers decide cases.</summary>
    public const string Kyc = "kyc";

    /// <summary>Administrators manage clients and accounts.</summary>
    public const string IdentityAdmin = "identity.admin";

    public static readonly IReadOnlyDictionary<string, (string Audience, string Description)> Api =
        new Dictionary<string, (string, string)>(StringComparer.Ordinal)
        {
            [ConsentManage] = ("consent", "Manage your consents"),
            [ConsentDecide] = ("consent", "Ask for consent decisions (services)"),
            [Records] = ("record-vault", "Read and write medical records you are allowed to see"),
            [ResearchExport] = ("record-vault", "Start and download de-identified exports of your organisation's studies"),
            [LedgerSubmit] = ("ledger", "Submit signed events to the ledger (services)"),
            [LedgerAudit] = ("ledger", "Read the ledger's entries (auditors)"),
            [IdentityAdmin] = ("identity", "Administer accounts and clients"),
            [Kyc] = ("identity", "Verify your identity (KYC)"),
        };
}
