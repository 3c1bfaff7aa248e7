using System.Security.Cryptography;
using System.Text;
using Platform.Crypto;
using Platform.Identity.Kyc;

namespace Platform.Identity.Verification;

/// <summary>
/// Encrypts KYC evidence at rest: AES-256-GCM under a fresh data key bound (associated data) to the case and the
/// evidence id, the data key wrapped by the HSM/Key Vault key-encryption key; the clear key is zeroed after use.
/// </summary>
public sealed class EvidenceCipher(IKeyProvider keys)
{
    public const string KekName = "kyc-evidence-kek";

    public async Task<KycEvidenceRow> SealAsync(Guid caseId, string kind, string contentType, ReadOnlyMemory<byte> content, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var kek = await keys.GetKeyEncryptionKeyAsync(KekName, cancellationToken);
        var row = new KycEvidenceRow { Id = Guid.NewGuid(), CaseId = caseId, Kind = kind, ContentType = contentType, CreatedAtMs = now.ToUnixTimeMilliseconds() };
        var dataKey = RandomNumberGenerator.GetBytes(32);
        try
        {
            var wrapped = await kek.WrapAsync(dataKey, cancellationToken);
            row.Nonce = RandomNumberGenerator.GetBytes(12);
            row.Tag = new byte[16];
            row.Ciphertext = new byte[content.Length];
            using (var aes = new AesGcm(dataKey, 16))
            {
                aes.Encrypt(row.Nonce, content.Span, row.Ciphertext, row.Tag, Aad(row));
            }
            (row.KekName, row.KekVersion, row.WrapAlgorithm, row.WrappedKey) = (wrapped.KeyName, wrapped.KeyVersion, wrapped.Algorithm, wrapped.Ciphertext);
            return row;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(dataKey);
        }
    }

    /// <exception cref="CryptographicException">The evidence was altered or moved to another case.</exception>
    public async Task<byte[]> OpenAsync(KycEvidenceRow row, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(row);
        var kek = await keys.GetKeyEncryptionKeyAsync(KekName, cancellationToken);
        var dataKey = await kek.UnwrapAsync(new WrappedKey(row.KekName, row.KekVersion, row.WrapAlgorithm, row.WrappedKey), cancellationToken);
        try
        {
            var plaintext = new byte[row.Ciphertext.Length];
            using var aes = new AesGcm(dataKey, 16);
            aes.Decrypt(row.Nonce, row.Ciphertext, row.Tag, plaintext, Aad(row));
            return plaintext;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(dataKey);
        }
    }

    private static byte[] Aad(KycEvidenceRow row) => Encoding.UTF8.GetBytes($"kyc-evidence-v1\n{row.CaseId:D}\n{row.Id:D}\n{row.Kind}\n{row.ContentType}");
}
