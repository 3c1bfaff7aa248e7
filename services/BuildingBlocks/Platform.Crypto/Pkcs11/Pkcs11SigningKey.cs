using System.Security.Cryptography;
using Net.Pkcs11Interop.Common;

namespace Platform.Crypto.Pkcs11;

/// <summary>EC P-256 key pair on the token; SHA-256 is computed here and the token signs the digest (CKM_ECDSA).</summary>
internal sealed class Pkcs11SigningKey(Pkcs11Token token, string label, string version, JsonWebKeyInfo jwk) : ISigningKey
{
    private const int SignatureLength = 64;

    public string KeyId => jwk.Kid;

    public string Algorithm => KeyAlgorithms.ES256;

    public Task<byte[]> SignAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken) =>
        SignDigestAsync(SHA256.HashData(data.Span), cancellationToken);

    public Task<byte[]> SignDigestAsync(ReadOnlyMemory<byte> sha256Digest, CancellationToken cancellationToken)
    {
        SigningDigest.Validate(sha256Digest);
        cancellationToken.ThrowIfCancellationRequested();
        var digest = sha256Digest.ToArray();
        try
        {
            var signature = token.Run(session =>
            {
                var key = Pkcs11Objects.Find(session, CKO.CKO_PRIVATE_KEY, label, version)
                          ?? throw new KeyProviderException($"Signing key '{label}' version {version} is not on token '{token.TokenLabel}'.");
                using var mechanism = session.Factories.MechanismFactory.Create(CKM.CKM_ECDSA);
                return session.Sign(mechanism, key, digest);
            });
            // PKCS#11 ECDSA output is already r||s, the JOSE form; check so a misbehaving module cannot emit garbage.
            if (signature.Length != SignatureLength)
            {
                throw new KeyProviderException($"Signing key '{label}' returned a {signature.Length}-byte signature; expected {SignatureLength}.");
            }
            return Task.FromResult(signature);
        }
        catch (Pkcs11Exception ex)
        {
            throw new KeyProviderException($"PKCS#11 signing with key '{label}' version {version} failed ({ex.RV}).", ex);
        }
    }

    public JsonWebKeyInfo GetPublicJwk() => jwk;
}
