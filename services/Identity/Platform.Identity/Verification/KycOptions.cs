using Platform.Identity.Kyc;
namespace Platform.Identity.Verification;

/// <summary><c>Kyc:*</c>.</summary>
public sealed class KycOptions
{
    /// <summary>Sanctions/PEP list (JSON lines, see the KYC library's README); default: the shipped sample list.</summary>
    public string? SanctionsListPath { get; set; }

    /// <summary>Base64 HMAC key (at least 32 bytes) for duplicate-document fingerprints; a Secret in deployments.</summary>
    public string? FingerprintKey { get; set; }

    public int MinimumAge { get; set; } = 18;

    /// <summary>Accept ICAO specimen documents (tests and demos only).</summary>
    public bool AcceptSpecimenDocuments { get; set; }

    /// <summary>The <c>trust_framework</c> named in verified_claims; naming a regulated one (e.g. <c>eidas</c>) is a compliance statement.</summary>
    public string TrustFramework { get; set; } = "platform_kyc";

    /// <summary>Largest image (document or selfie) accepted, in bytes.</summary>
    public int MaxImageBytes { get; set; } = 5 * 1024 * 1024;
}
