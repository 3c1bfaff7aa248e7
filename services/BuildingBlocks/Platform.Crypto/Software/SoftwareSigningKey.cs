using System.Security.Cryptography;
using Platform.Crypto.Jose;

namespace Platform.Crypto.Software;

/// <summary>ES256 key loaded from a PKCS#8 file in the key directory.</summary>
internal sealed class SoftwareSigningKey : ISigningKey, IDisposable
{
    // ECDsa instances are not documented as thread-safe, so each signature holds one under its lock. Two instances
    // per core rather than one for all (issue 18): with a single lock, concurrent token requests queued behind each
    // other's signature, and a waiter descheduled on a busy machine held the rest up (a third of the token
    // endpoint's request time in a profile, against 4 % for signing itself).
    private readonly (ECDsa Key, Lock Gate)[] _stripes;
    private readonly P256Jwk _jwk;
    private int _next;

    public SoftwareSigningKey(string name, string version, ReadOnlySpan<byte> pkcs8)
    {
        _stripes = new (ECDsa, Lock)[Math.Max(4, 2 * Environment.ProcessorCount)];
        for (var i = 0; i < _stripes.Length; i++)
        {
            var key = ECDsa.Create();
            key.ImportPkcs8PrivateKey(pkcs8, out _);
            _stripes[i] = (key, new Lock());
        }
        var parameters = _stripes[0].Key.ExportParameters(includePrivateParameters: false);
        if (parameters.Curve.Oid.Value != ECCurve.NamedCurves.nistP256.Oid.Value)
        {
            Dispose();
            throw new KeyProviderException($"Signing key '{name}' version {version} is not a P-256 key.");
        }
        KeyId = $"{name}/{version}";
        _jwk = P256Jwk.ForP256(parameters.Q.X, parameters.Q.Y, KeyId);
    }

    public string KeyId { get; }

    public string Algorithm => KeyAlgorithms.ES256;

    public Task<byte[]> SignAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken) =>
        SignDigestAsync(SHA256.HashData(data.Span), cancellationToken);

    public Task<byte[]> SignDigestAsync(ReadOnlyMemory<byte> sha256Digest, CancellationToken cancellationToken)
    {
        SigningDigest.Validate(sha256Digest);
        cancellationToken.ThrowIfCancellationRequested();
        // Take the first free instance from a rotating start; wait only when every one is busy, so a holder
        // descheduled mid-signature on a loaded machine does not hold up the next caller (issue 18).
        var start = (uint)Interlocked.Increment(ref _next);
        for (var i = 0u; i < _stripes.Length; i++)
        {
            var (candidate, candidateGate) = _stripes[(start + i) % (uint)_stripes.Length];
            if (candidateGate.TryEnter())
            {
                try
                {
                    return Task.FromResult(candidate.SignHash(sha256Digest.Span, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
                }
                finally
                {
                    candidateGate.Exit();
                }
            }
        }
        var (key, gate) = _stripes[start % (uint)_stripes.Length];
        lock (gate)
        {
            return Task.FromResult(key.SignHash(sha256Digest.Span, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
        }
    }

    public P256Jwk GetPublicJwk() => _jwk;

    /// <summary>Generates a P-256 key as a PKCS#8 file; false when that version already exists.</summary>
    internal static bool TryCreateVersion(string directory, string version)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var pkcs8 = key.ExportPkcs8PrivateKey();
        try
        {
            return SoftwareKeyStore.TryCreate(SoftwareKeyStore.SigningFile(directory, version), pkcs8);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pkcs8);
        }
    }

    public void Dispose()
    {
        foreach (var (key, _) in _stripes)
        {
            key?.Dispose();
        }
    }
}
