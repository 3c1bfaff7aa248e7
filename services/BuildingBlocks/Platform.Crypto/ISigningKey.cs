using Platform.Crypto.Jose;
namespace Platform.Crypto;

/// <summary>An ES256 signing key whose private half stays inside its provider.</summary>
public interface ISigningKey
{
    /// <summary>Key id (JWS <c>kid</c>); includes the key version so verifiers can pick the right public key.</summary>
    string KeyId { get; }

    /// <summary>JWS algorithm, always <see cref="KeyAlgorithms.ES256"/>.</summary>
    string Algorithm { get; }

    /// <summary>Signs SHA-256(<paramref name="data"/>); returns the 64-byte JOSE signature r||s.</summary>
    Task<byte[]> SignAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken);

    /// <summary>
    /// Signs a SHA-256 digest the caller already computed; returns r||s. For token libraries that hash first
    /// (Microsoft.IdentityModel's ECDSA path calls SignHash).
    /// </summary>
    /// <exception cref="ArgumentException">The digest is not 32 bytes.</exception>
    Task<byte[]> SignDigestAsync(ReadOnlyMemory<byte> sha256Digest, CancellationToken cancellationToken);

    /// <summary>The public key as a JWK, suitable for a JWKS document.</summary>
    P256Jwk GetPublicJwk();
}
