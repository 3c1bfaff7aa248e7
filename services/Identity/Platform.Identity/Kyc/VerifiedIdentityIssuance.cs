using Platform.Crypto;
using Platform.Identity.Credentials;
using Platform.Identity.Data;
using Platform.ServiceDefaults;
using CredentialAssurance = Platform.Identity.Credentials.AssuranceLevel;
using CredentialClaims = Platform.Identity.Credentials.VerifiedIdentityClaims;

namespace Platform.Identity.Kyc;

/// <summary>
/// Issues the verified-identity SD-JWT VC to the holder of an approved case, bound to the key the holder's proof
/// shows it holds. One place for the API (<c>POST /credentials/verified-identity</c>) and the applicant's page
/// (<c>/kyc/credential</c>), so both give the same credential under the same rules.
/// </summary>
public sealed class VerifiedIdentityIssuance(IdentityServiceDbContext db, KycService kyc, IKeyProvider keys, TimeProvider time)
{
    /// <summary>The compact SD-JWT VC; 400 <c>invalid_proof</c> for a bad proof, 409 <c>not_verified</c> without an approved case.</summary>
    public async Task<string> IssueAsync(string issuer, string? proof, string ownerId, CancellationToken cancellationToken)
    {
        var holderKey = HolderProof.Verify(proof, issuer, time.GetUtcNow());
        var verified = await kyc.LatestVerifiedIdentityAsync(ownerId, cancellationToken)
            ?? throw ProblemException.Conflict("There is no approved KYC case for this account.", "not_verified");
        var level = AssuranceMapper.Map(verified.Case).Code switch
        {
            "high" => CredentialAssurance.High,
            "substantial" => CredentialAssurance.Substantial,
            _ => CredentialAssurance.Low,
        };
        var claims = new CredentialClaims(verified.Claims.GivenName!, verified.Claims.FamilyName!, verified.Claims.BirthDate!.Value,
            verified.Claims.Nationality!, level);
        // A slot in the status list first, so the credential can be revoked.
        var slot = new CredentialStatusRow { OwnerId = ownerId, CaseId = verified.CaseId, IssuedAtMs = time.GetUtcNow().ToUnixTimeMilliseconds() };
        db.CredentialStatuses.Add(slot);
        await db.SaveChangesAsync(cancellationToken);
        var signingKey = await keys.GetSigningKeyAsync(CredentialEndpoints.SigningKeyName, cancellationToken);
        var credential = await new SdJwtIssuer(signingKey, time).IssueAsync(
            VerifiedIdentityCredential.CreateRequest(issuer, claims, holderKey, time.GetUtcNow(), CredentialEndpoints.Lifetime,
                new StatusListReference(CredentialEndpoints.StatusListUri(issuer), slot.Index)), cancellationToken);
        return credential.Compact;
    }
}
