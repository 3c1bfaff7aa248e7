using System.Security.Cryptography;

namespace Platform.Crypto.Software;

/// <summary>RS256 key loaded from a PKCS#8 file in the key directory (<c>signing/{name}/{version}.p8</c>, RSA 2048).</summary>
internal sealed class SoftwareRsaSigningKey : IRsaSigningKey, IDisposable
{
    private readonly RSA _key;

    public SoftwareRsaSigningKey(string name, string version, ReadOnlySpan<byte> pkcs8)
    {
        _key = RSA.Create();
        try
        {
            _key.ImportPkcs8PrivateKey(pkcs8, out _);
        }
        catch (CryptographicException ex)
        {
            _key.Dispose();
            throw new KeyProviderException($"Signing key '{name}' version {version} is not an RSA key.", ex);
        }
        if (_key.KeySize < KeyAlgorithms.RsaSigningKeySize)
        {
            _key.Dispose();
            throw new KeyProviderException($"Signing key '{name}' version {version} has {_key.KeySize} bits; RS256 needs at least {KeyAlgorithms.RsaSigningKeySize}.");
        }
        KeyId = $"{name}/{version}";
        PublicParameters = RsaSignatures.PublicOnly(_key.ExportParameters(includePrivateParameters: false));
    }

    public string KeyId { get; }

    public string Algorithm => KeyAlgorithms.RS256;

    public RSAParameters PublicParameters { get; }

    public Task<byte[]> SignDigestAsync(ReadOnlyMemory<byte> sha256Digest, CancellationToken cancellationToken)
    {
        RsaSignatures.ValidateDigest(sha256Digest);
        cancellationToken.ThrowIfCancellationRequested();
        // .NET's RSA is safe for concurrent signing (each call is its own native operation).
        return Task.FromResult(_key.SignHash(sha256Digest.Span, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
    }

    /// <summary>Generates an RSA 2048 key as a PKCS#8 file; false when that version already exists.</summary>
    internal static bool TryCreateVersion(string directory, string version)
    {
        using var key = RSA.Create(KeyAlgorithms.RsaSigningKeySize);
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
