using System.Security.Cryptography;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace Platform.Crypto.Pkcs11;

/// <summary>
/// RSA 2048 key pair on the token for RS256. SHA-256 is computed by the caller; the token signs DigestInfo || digest
/// with CKM_RSA_PKCS, which is exactly RSASSA-PKCS1-v1_5 with SHA-256 and works on modules without CKM_SHA256_RSA_PKCS
/// for pre-hashed input.
/// </summary>
internal sealed class Pkcs11RsaSigningKey(Pkcs11Token token, string label, string version, string keyId, RSAParameters publicParameters) : IRsaSigningKey
{
    public string KeyId => keyId;

    public string Algorithm => KeyAlgorithms.RS256;

    public RSAParameters PublicParameters => publicParameters;

    public Task<byte[]> SignDigestAsync(ReadOnlyMemory<byte> sha256Digest, CancellationToken cancellationToken)
    {
        RsaSignatures.ValidateDigest(sha256Digest);
        cancellationToken.ThrowIfCancellationRequested();
        var digest = sha256Digest.ToArray();
        try
        {
            return Task.FromResult(token.RunWithRetries(session => Sign(session, digest)));
        }
        catch (Exception ex) when (Pkcs11Errors.IsTokenError(ex))
        {
            throw new KeyProviderException(
                $"PKCS#11 RS256 signing with key '{label}' version {version} on token '{token.TokenLabel}' failed {Pkcs11Token.Attempts} times "
                + $"(last: {Pkcs11Errors.Describe(ex)}).", ex);
        }
    }

    /// <summary>One attempt; the signature leaves only once it verifies with the public key.</summary>
    private byte[] Sign(ISession session, byte[] digest)
    {
        var key = Pkcs11Objects.Find(session, CKO.CKO_PRIVATE_KEY, label, version)
                  ?? throw new Pkcs11RetryableException($"Signing key '{label}' version {version} was not found on token '{token.TokenLabel}'.", objectMissing: true);
        byte[] digestInfo = [.. RsaSignatures.Sha256DigestInfoPrefix, .. digest];
        using var mechanism = session.Factories.MechanismFactory.Create(CKM.CKM_RSA_PKCS);
        var signature = session.Sign(mechanism, key, digestInfo);
        return RsaSignatures.Verifies(publicParameters, digest, signature)
            ? signature
            : throw new Pkcs11RetryableException($"Signing key '{label}' version {version} returned a signature that does not verify.");
    }
}
