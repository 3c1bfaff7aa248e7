using System.Security.Cryptography;
using System.Text;
using Platform.Crypto;
using Platform.Crypto.Envelopes;

namespace Platform.Identity.Verification;

/// <summary>
/// Encrypts KYC evidence at rest with the platform's envelope (<see cref="DataKeyEnvelope"/>): AES-256-GCM under a
/// fresh data key bound (associated data) to the case, the evidence id, its kind and content type, the data key wrapped
/// by the HSM/Key Vault key-encryption key <see cref="KekName"/>.
/// </summary>
/// <remarks>
/// Associated data of <see cref="EvidenceFormat.LengthPrefixed"/> (all integers big-endian, strings strict UTF-8):
/// <code>
/// "platform.identity.kyc-evidence.aad"   34 ASCII bytes, domain separation
/// u8   format                            EvidenceFormat.LengthPrefixed (1)
/// u16  len | case id                     Guid "D" format
/// u16  len | evidence id                 Guid "D" format
/// u16  len | kind
/// u16  len | content type
/// </code>
/// </remarks>
public sealed class EvidenceCipher(IKeyProvider keys)
{
    public const string KekName = "kyc-evidence-kek";

    private static ReadOnlySpan<byte> Label => "platform.identity.kyc-evidence.aad"u8;

    public async Task<KycEvidenceRow> SealAsync(Guid caseId, string kind, string contentType, ReadOnlyMemory<byte> content, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var row = new KycEvidenceRow { Id = Guid.NewGuid(), CaseId = caseId, Kind = kind, ContentType = contentType, CreatedAtMs = now.ToUnixTimeMilliseconds() };
        await SealIntoAsync(row, content, cancellationToken);
        return row;
    }

    /// <exception cref="CryptographicException">The evidence was altered or moved to another case, or its format is unknown.</exception>
    public async Task<byte[]> OpenAsync(KycEvidenceRow row, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(row);
        var kek = await keys.GetKeyEncryptionKeyAsync(KekName, cancellationToken);
        var envelope = new SealedEnvelope(new WrappedKey(row.KekName, row.KekVersion, row.WrapAlgorithm, row.WrappedKey), row.Nonce, row.Tag, row.Ciphertext);
        return await DataKeyEnvelope.OpenAsync(envelope, AssociatedData(row), kek, cancellationToken);
    }

    /// <summary>
    /// Re-encrypts <paramref name="row"/> in place in the <see cref="EvidenceFormat.Current"/> format under a new data
    /// key, after its old ciphertext authenticated; false when it already is in that format.
    /// </summary>
    /// <exception cref="CryptographicException">The old ciphertext does not authenticate (nothing is changed).</exception>
    public async Task<bool> ResealAsync(KycEvidenceRow row, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(row);
        if (row.FormatVersion == EvidenceFormat.Current)
        {
            return false;
        }
        var content = await OpenAsync(row, cancellationToken);
        try
        {
            await SealIntoAsync(row, content, cancellationToken);
            return true;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(content);
        }
    }

    private async Task SealIntoAsync(KycEvidenceRow row, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        var kek = await keys.GetKeyEncryptionKeyAsync(KekName, cancellationToken);
        var sealedRow = new KycEvidenceRow { Id = row.Id, CaseId = row.CaseId, Kind = row.Kind, ContentType = row.ContentType, FormatVersion = EvidenceFormat.Current };
        var envelope = await DataKeyEnvelope.SealAsync(content, AssociatedData(sealedRow), kek, cancellationToken);
        // Every field is assigned only after sealing succeeded, so a failure leaves the row as it was.
        row.FormatVersion = EvidenceFormat.Current;
        (row.Nonce, row.Tag, row.Ciphertext) = (envelope.Nonce, envelope.Tag, envelope.Ciphertext);
        (row.KekName, row.KekVersion, row.WrapAlgorithm, row.WrappedKey) =
            (envelope.WrappedKey.KeyName, envelope.WrappedKey.KeyVersion, envelope.WrappedKey.Algorithm, envelope.WrappedKey.Ciphertext);
    }

    private static byte[] AssociatedData(KycEvidenceRow row) => row.FormatVersion switch
    {
        EvidenceFormat.LengthPrefixed => new AssociatedDataWriter(Label).Byte(EvidenceFormat.LengthPrefixed)
            .Text(row.CaseId.ToString("D")).Text(row.Id.ToString("D")).Text(row.Kind).Text(row.ContentType).ToArray(),
        // Read-only: rows written before format versions existed.
        EvidenceFormat.NewlineJoined => Encoding.UTF8.GetBytes($"kyc-evidence-v1\n{row.CaseId:D}\n{row.Id:D}\n{row.Kind}\n{row.ContentType}"),
        _ => throw new CryptographicException($"Evidence {row.Id:D} has unknown format {row.FormatVersion}."),
    };
}
