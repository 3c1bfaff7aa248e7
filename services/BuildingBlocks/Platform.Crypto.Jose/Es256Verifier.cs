using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Platform.Crypto.Jose;

/// <summary>
/// Verifies ES256 signatures with one public key, reusing imported key objects: importing a P-256 key costs about
/// three times the verification itself, and the ledger verifies every event on every replica. A small pool keeps
/// concurrent callers from sharing one instance.
/// </summary>
public sealed class Es256Verifier(P256Jwk key) : IDisposable
{
    private readonly ConcurrentBag<ECDsa> _pool = [];

    public P256Jwk Key { get; } = key;

    /// <summary>True only for a valid 64-byte r||s signature over SHA-256 of <paramref name="data"/>.</summary>
    public bool Verify(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        if (signature.Length != 64)
        {
            return false;
        }
        ECDsa ecdsa;
        try
        {
            ecdsa = _pool.TryTake(out var pooled) ? pooled : ECDsa.Create(Key.ToECParameters());
        }
        catch (CryptographicException)
        {
            return false; // not a key on the curve
        }
        try
        {
            return ecdsa.VerifyData(data, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        }
        finally
        {
            _pool.Add(ecdsa);
        }
    }

    public void Dispose()
    {
        while (_pool.TryTake(out var ecdsa))
        {
            ecdsa.Dispose();
        }
    }
}
