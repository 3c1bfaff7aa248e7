namespace Platform.Crypto;

/// <summary>Checks digests handed to <see cref="ISigningKey.SignDigestAsync"/>: ES256 signs exactly a SHA-256 digest.</summary>
internal static class SigningDigest
{
    public const int Sha256Length = 32;

    public static void Validate(ReadOnlyMemory<byte> digest)
    {
        if (digest.Length != Sha256Length)
        {
            throw new ArgumentException($"An ES256 digest is {Sha256Length} bytes (SHA-256); got {digest.Length}.", nameof(digest));
        }
    }
}
