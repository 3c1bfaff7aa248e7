using System.Security.Cryptography;

namespace Platform.Crypto.Jose;

/// <summary>
/// Signs a JWS signing input with ES256 and returns the 64-byte r||s signature. A delegate so any key can sit behind
/// it: a key provider's signer (HSM, Key Vault; see <c>Platform.Crypto.SigningKeyJws</c>), a wallet's key, a test key.
/// </summary>
public delegate Task<byte[]> Es256Signer(ReadOnlyMemory<byte> signingInput, CancellationToken cancellationToken);

/// <summary>Ready-made <see cref="Es256Signer"/>s.</summary>
public static class Es256Signers
{
    /// <summary>Signs with an in-process P-256 key (holder wallets, DPoP clients, tests). Callers own and dispose <paramref name="key"/>.</summary>
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
