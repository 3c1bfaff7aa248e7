using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Platform.Identity.Credentials;

/// <summary>The one digest of SD-JWT (<c>_sd_alg: sha-256</c>): disclosure digests, decoys and <c>sd_hash</c>.</summary>
internal static class SdJwtDigest
{
    private const int DecoySeedBytes = 16;

    /// <summary>
    /// base64url(SHA-256(US-ASCII bytes of <paramref name="text"/>)). RFC 9901 §4.2.3 hashes the encoded disclosure
    /// string, not the decoded JSON; §4.3.1 hashes the presented <c>&lt;jwt&gt;~&lt;d1&gt;~...~</c> the same way.
    /// </summary>
    public static string Of(string text)
    {
        foreach (var c in text)
        {
            if (!char.IsAscii(c))
            {
                // Callers only pass base64url, '.', and '~'; a non-ASCII character would hash as '?' and collide.
                throw new SdJwtException(SdJwtError.Malformed, "SD-JWT text must be US-ASCII.");
            }
        }
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.ASCII.GetBytes(text), hash);
        return Base64Url.EncodeToString(hash);
    }

    /// <summary>A decoy digest (RFC 9901 §4.2.5): the hash of fresh random bytes, indistinguishable from a real one.</summary>
    public static string Decoy()
    {
        Span<byte> seed = stackalloc byte[DecoySeedBytes];
        RandomNumberGenerator.Fill(seed);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(seed, hash);
        return Base64Url.EncodeToString(hash);
    }
}
