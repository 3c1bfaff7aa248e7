using System.Security.Cryptography;
using Platform.Crypto;

namespace Platform.Identity.Credentials;

/// <summary>
/// Signs a JWS signing input with ES256 and returns the 64-byte r||s signature. A delegate rather than
/// <see cref="ISigningKey"/> so a wallet can put any key behind it (secure enclave, HSM, in-memory test key).
/// </summary>
public delegate Task<byte[]> Es256Signer(ReadOnlyMemory<byte> signingInput, CancellationToken cancellationToken);

/// <summary>Ready-made <see cref="Es256Signer"/>s.</summary>
public static class Es256Signers
{
    /// <summary>Signs with a platform key; the private half stays in its provider.</summary>
    public static Es256Signer FromSigningKey(ISigningKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Algorithm != KeyAlgorithms.ES256)
        {
            throw new ArgumentException($"Signing key '{key.KeyId}' is {key.Algorithm}; SD-JWT here uses ES256 only.", nameof(key));
        }
        return key.SignAsync;
    }

    /// <summary>Signs with an in-process P-256 key (holder wallets, tests). Callers own and dispose <paramref name="key"/>.</summary>
    public static Es256Signer FromECDsa(ECDsa key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.KeySize != 256)
        {
            throw new ArgumentException("ES256 needs a P-256 key.", nameof(key));
        }
        return (input, cancellationToken) =>
        {
            cancellationToken.ThrowIfCancellationRequested();
            return Task.FromResult(key.SignData(input.Span, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
        };
    }
}
