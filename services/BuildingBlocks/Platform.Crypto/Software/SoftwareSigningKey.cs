using System.Security.Cryptography;

namespace Platform.Crypto.Software;

/// <summary>ES256 key loaded from a PKCS#8 file in the key directory.</summary>
internal sealed class SoftwareSigningKey : ISigningKey, IDisposable
{
    private readonly ECDsa _key;
    private readonly JsonWebKeyInfo _jwk;
    private readonly Lock _gate = new();

    public SoftwareSigningKey(string name, string version, ReadOnlySpan<byte> pkcs8)
    {
        _key = ECDsa.Create();
        _key.ImportPkcs8PrivateKey(pkcs8, out _);
        var parameters = _key.ExportParameters(includePrivateParameters: false);
        if (parameters.Curve.Oid.Value != ECCurve.NamedCurves.nistP256.Oid.Value)
        {
            _key.Dispose();
            throw new KeyProviderException($"Signing key '{name}' version {version} is not a P-256 key.");
        }
        KeyId = $"{name}/{version}";
        _jwk = JsonWebKeyInfo.ForP256(parameters.Q.X, parameters.Q.Y, KeyId);
    }

    public string KeyId { get; }

    public string Algorithm => KeyAlgorithms.ES256;

    public Task<byte[]> SignAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken) =>
        SignDigestAsync(SHA256.HashData(data.Span), cancellationToken);

    public Task<byte[]> SignDigestAsync(ReadOnlyMemory<byte> sha256Digest, CancellationToken cancellationToken)
    {
        SigningDigest.Validate(sha256Digest);
        cancellationToken.ThrowIfCancellationRequested();
        // ECDsa instances are not documented as thread-safe; signing is cheap, so serialise.
        lock (_gate)
        {
            return Task.FromResult(_key.SignHash(sha256Digest.Span, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
        }
    }

    public JsonWebKeyInfo GetPublicJwk() => _jwk;

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

    public void Dispose() => _key.Dispose();
}
