using System.Security.Cryptography;
using Platform.Crypto;

namespace Platform.Identity.Oidc;

/// <summary>
/// An <see cref="RSA"/> whose private half stays in the key provider: RS256 signatures go to
/// <see cref="IRsaSigningKey.SignDigestAsync"/>, verification and public export use the public key. The RS256 twin of
/// <see cref="ProviderBackedECDsa"/>, for ID tokens of relying parties that accept only RS256.
/// </summary>
internal sealed class ProviderBackedRsa : RSA
{
    private readonly IRsaSigningKey _key;
    private readonly RSA _publicKey;

    public ProviderBackedRsa(IRsaSigningKey key)
    {
        _key = key;
        _publicKey = Create(key.PublicParameters);
        KeySizeValue = _publicKey.KeySize;
        LegalKeySizesValue = [new KeySizes(KeySizeValue, KeySizeValue, 0)];
    }

    public override byte[] SignHash(byte[] hash, HashAlgorithmName hashAlgorithm, RSASignaturePadding padding)
    {
        if (hashAlgorithm != HashAlgorithmName.SHA256 || padding != RSASignaturePadding.Pkcs1)
        {
            throw new CryptographicException("The key provider signs RS256 only (PKCS#1 v1.5 over SHA-256).");
        }
        // IdentityModel's signing API is synchronous; PKCS#11 and the software provider complete synchronously.
        return _key.SignDigestAsync(hash, CancellationToken.None).GetAwaiter().GetResult();
    }

    public override bool TrySignHash(ReadOnlySpan<byte> hash, Span<byte> destination, HashAlgorithmName hashAlgorithm, RSASignaturePadding padding, out int bytesWritten)
    {
        var signature = SignHash(hash.ToArray(), hashAlgorithm, padding);
        if (signature.Length > destination.Length)
        {
            bytesWritten = 0;
            return false;
        }
        signature.CopyTo(destination);
        bytesWritten = signature.Length;
        return true;
    }

    public override bool VerifyHash(byte[] hash, byte[] signature, HashAlgorithmName hashAlgorithm, RSASignaturePadding padding) =>
        _publicKey.VerifyHash(hash, signature, hashAlgorithm, padding);

    public override bool VerifyHash(ReadOnlySpan<byte> hash, ReadOnlySpan<byte> signature, HashAlgorithmName hashAlgorithm, RSASignaturePadding padding) =>
        _publicKey.VerifyHash(hash, signature, hashAlgorithm, padding);

    public override RSAParameters ExportParameters(bool includePrivateParameters) => includePrivateParameters
        ? throw new CryptographicException("The private key stays in the key provider.")
        : _publicKey.ExportParameters(false);

    public override void ImportParameters(RSAParameters parameters) =>
        throw new NotSupportedException("A provider-backed key cannot import parameters.");

    public override byte[] Decrypt(byte[] data, RSAEncryptionPadding padding) =>
        throw new NotSupportedException("This key only signs.");

    public override byte[] Encrypt(byte[] data, RSAEncryptionPadding padding) =>
        throw new NotSupportedException("This key only signs.");

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _publicKey.Dispose();
        }
        base.Dispose(disposing);
    }
}
