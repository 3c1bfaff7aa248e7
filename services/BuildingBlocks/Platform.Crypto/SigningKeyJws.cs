using Platform.Crypto.Jose;

namespace Platform.Crypto;

/// <summary>A key provider's signing key as a JOSE signer: the private half stays in its HSM or vault.</summary>
public static class SigningKeyJws
{
    /// <exception cref="ArgumentException">The key is not an ES256 key.</exception>
    public static Es256Signer ToEs256Signer(this ISigningKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Algorithm != KeyAlgorithms.ES256)
        {
            throw new ArgumentException($"Signing key '{key.KeyId}' is {key.Algorithm}; JWS here uses ES256 only.", nameof(key));
        }
        return key.SignAsync;
    }

    /// <summary>Signs the exact header and payload bytes as a compact JWS with <paramref name="key"/>.</summary>
    public static Task<string> SignCompactJwsAsync(this ISigningKey key, ReadOnlyMemory<byte> header, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken) =>
        CompactJws.SignAsync(header, payload, key.ToEs256Signer(), cancellationToken);
}
