using System.Security.Cryptography;

namespace Platform.Crypto;

/// <summary>
/// An RS256 signing key (RSA PKCS#1 v1.5 over SHA-256) whose private half stays inside its provider. The platform
/// signs with ES256; RS256 exists for relying parties that accept nothing else (OpenID Connect Discovery makes RS256
/// the one algorithm every provider must offer for ID tokens).
/// </summary>
public interface IRsaSigningKey
{
    /// <summary>Key id (JWS <c>kid</c>); includes the key version.</summary>
    string KeyId { get; }

    /// <summary>JWS algorithm, always <see cref="KeyAlgorithms.RS256"/>.</summary>
    string Algorithm { get; }

    /// <summary>Modulus and public exponent, for the JWKS and for verifying.</summary>
    RSAParameters PublicParameters { get; }

    /// <summary>Signs a SHA-256 digest the caller computed; returns the PKCS#1 v1.5 signature (modulus length).</summary>
    /// <exception cref="ArgumentException">The digest is not 32 bytes.</exception>
    Task<byte[]> SignDigestAsync(ReadOnlyMemory<byte> sha256Digest, CancellationToken cancellationToken);
}
