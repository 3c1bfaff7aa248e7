using System.Security.Cryptography;
using System.Text;

namespace Platform.Identity.Oidc;

/// <summary>
/// The server key client secrets are hashed with (HMAC-SHA256). Derived with HKDF from the provider's token
/// encryption key, which is random, shared by every replica and stored only wrapped by the key provider; the HKDF
/// label keeps the two uses apart, so knowing one derived key tells nothing about the other or about the source.
/// A copy of the database alone is therefore not enough to test guesses of a secret, unlike an unkeyed hash.
/// </summary>
public sealed class ClientSecretKey(SigningKeyRing ring)
{
    /// <summary>The version tag stored with each hash; a new derivation (or key) gets a new tag and old hashes keep verifying.</summary>
    public const string Version = "v1";

    private static readonly byte[] Label = Encoding.ASCII.GetBytes("platform/identity/client-secret-hmac/" + Version);

    private byte[]? _key;

    // One HMAC state per thread, reset after each use (issue 18): the one-shot HMACSHA256.HashData sets OpenSSL's
    // MAC up from scratch on every call, a measurable share of a token request. Tagged with the key it was made for.
    [ThreadStatic]
    private static KeyedHmac? _threadHmac;

    /// <summary>HMAC-SHA256 of the data under this key, derived once per process (the encryption key never changes while the process runs).</summary>
    public byte[] Mac(ReadOnlySpan<byte> data)
    {
        var key = _key ??= Derive();
        var state = _threadHmac;
        if (state is null || !ReferenceEquals(state.Key, key))
        {
            state?.Hmac.Dispose();
            state = new KeyedHmac(key, IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key));
            _threadHmac = state;
        }
        state.Hmac.AppendData(data);
        return state.Hmac.GetHashAndReset();
    }

    private sealed record KeyedHmac(byte[] Key, IncrementalHash Hmac);

    private byte[] Derive()
    {
        var source = ring.Encryption.Key is Microsoft.IdentityModel.Tokens.SymmetricSecurityKey symmetric
            ? symmetric.Key
            : throw new InvalidOperationException("The token encryption key is not a symmetric key.");
        return HKDF.DeriveKey(HashAlgorithmName.SHA256, source, 32, salt: [], info: Label);
    }
}
