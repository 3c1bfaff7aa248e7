using Platform.Identity.Kyc;
namespace Platform.Identity.Verification;

/// <summary>
/// An account's latest approved KYC case with the identity values its application declared (decrypted from the
/// evidence): what verified_claims and the verified-identity credential are built from.
/// </summary>
public sealed record VerifiedIdentity(Guid CaseId, KycCase Case, VerifiedIdentityClaims Claims)
{
    public override string ToString() => $"VerifiedIdentity {{ CaseId = {CaseId}, (claims redacted) }}";
}
