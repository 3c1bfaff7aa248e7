using Platform.Crypto;
using Platform.Identity.Credentials;
using Platform.Identity.Data;
using Platform.Identity.Kyc;
using Platform.ServiceDefaults;

namespace Platform.Identity.Verification;

/// <summary>
/// Issues the verified-identity SD-JWT VC to the holder of an approved case, bound to the key the holder's proof
/// shows it holds. One place for the API (<c>POST /credentials/verified-identity</c>) and the applicant's page
/// (<c>/kyc/credential</c>), so both give the same credential under the same rules.
/// </summary>
public sealed class VerifiedIdentityIssuance(IdentityServiceDbContext db, KycService kyc, IKeyProvider keys, Vci.CredentialNonces nonces, TimeProvider time)
{
    /// <summary>
    /// The compact SD-JWT VC; 400 <c>invalid_proof</c> for a bad proof or one without a nonce, 400 <c>invalid_nonce</c>
    /// for a nonce that is unknown, expired or already used, 409 <c>not_verified</c> without an approved case.
    /// <paramref name="notificationId"/> is recorded with the credential's status slot (OpenID4VCI notifications).
    /// </summary>
    public async Task<string> IssueAsync(string issuer, string? proof, string ownerId, CancellationToken cancellationToken, string? notificationId = null)
    {
        var verifiedProof = HolderProof.Verify(proof, issuer, time.GetUtcNow());
        if (string.IsNullOrEmpty(verifiedProof.Nonce))
        {
            throw ProblemException.BadRequest("proof must carry a c_nonce from the nonce endpoint as nonce.", "invalid_proof");
        }
        // Consumed here, once: a replayed proof, or a second proof with the same nonce, finds it gone.
        if (!await nonces.TryConsumeAsync(verifiedProof.Nonce, cancellationToken))
        {
            throw ProblemException.BadRequest("proof nonce is unknown, expired or already used: fetch a new c_nonce.", "invalid_nonce");
        }
        var holderKey = verifiedProof.Key;
        var verified = await kyc.LatestVerifiedIdentityAsync(ownerId, cancellationToken)
            ?? throw ProblemException.Conflict("There is no approved KYC case for this account.", "not_verified");
        var level = AssuranceMapper.Map(verified.Case).Level;
        // A slot in the status list first, so the credential can be revoked.
        var slot = new CredentialStatusRow { OwnerId = ownerId, CaseId = verified.CaseId, IssuedAtMs = time.GetUtcNow().ToUnixTimeMilliseconds(), NotificationId = notificationId };
        db.CredentialStatuses.Add(slot);
        await db.SaveChangesAsync(cancellationToken);
        var signingKey = await keys.GetSigningKeyAsync(CredentialEndpoints.SigningKeyName, cancellationToken);
        var credential = await new SdJwtIssuer(signingKey, time).IssueAsync(
            VerifiedIdentityCredential.CreateRequest(issuer, verified.Claims, level, holderKey, time.GetUtcNow(), CredentialEndpoints.Lifetime,
                new StatusListReference(CredentialEndpoints.StatusListUri(issuer), slot.Index)), cancellationToken);
        return credential.Compact;
    }
}
