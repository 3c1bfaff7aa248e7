using System.Security.Cryptography;

namespace Platform.Crypto;

/// <summary>
/// What every provider does around an RS256 signature: check the digest, and check the signature with the public key
/// before it leaves (a module that misbehaves must not emit a signature nobody can verify).
/// </summary>
internal static class RsaSignatures
{
    /// <summary>DER DigestInfo prefix for SHA-256 (RFC 8017 §9.2 note 1): what CKM_RSA_PKCS signs in front of the digest.</summary>
    public static ReadOnlySpan<byte> Sha256DigestInfoPrefix =>
        [0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20];

    public static void ValidateDigest(ReadOnlyMemory<byte> digest)
    {
        if (digest.Length != SigningDigest.Sha256Length)
        {
            throw new ArgumentException($"An RS256 digest is {SigningDigest.Sha256Length} bytes (SHA-256); got {digest.Length}.", nameof(digest));
        }
    }

    public static bool Verifies(RSAParameters publicKey, ReadOnlySpan<byte> digest, ReadOnlySpan<byte> signature)
    {
        using var rsa = RSA.Create(publicKey);
        return rsa.VerifyHash(digest, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
    }

    /// <summary>Public parameters only (a copy without any private member).</summary>
    public static RSAParameters PublicOnly(RSAParameters parameters) =>
        new() { Modulus = parameters.Modulus, Exponent = parameters.Exponent };
}
