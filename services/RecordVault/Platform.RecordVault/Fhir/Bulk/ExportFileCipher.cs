using Microsoft.Extensions.Options;
using Platform.Contracts.CodeLists;
using Platform.Crypto;
using Platform.RecordVault.Core;
using Platform.RecordVault.Data;
using Platform.RecordVault.Records;

namespace Platform.RecordVault.Fhir.Bulk;

/// <summary>
/// Encrypts and decrypts export files as the store does record versions: a fresh data key per file, wrapped by the
/// vault's KEK (the HSM in production), AES-256-GCM chunks bound to the file (id <c>export:{job}:{file}</c>, the
/// patient, and the type's category — <c>clinical-note</c> for the error file), so a ciphertext moved onto another
/// job, file or patient fails authentication.
/// </summary>
public sealed class ExportFileCipher(EnvelopeCipher cipher, IKeyProvider keys, IOptions<RecordVaultOptions> options)
{
    public async Task<ExportFileRow> EncryptAsync(Guid jobId, string patient, string kind, string resourceType, int count, Stream plaintext, CancellationToken cancellationToken)
    {
        var file = new ExportFileRow { Id = Guid.NewGuid(), JobId = jobId, Kind = kind, ResourceType = resourceType, Count = count };
        var kek = await keys.GetKeyEncryptionKeyAsync(options.Value.KekName, cancellationToken);
        using var ciphertext = new MemoryStream();
        var sealedFile = await cipher.EncryptStreamAsync(plaintext, ciphertext, Binding(file, patient), kek, cancellationToken);
        file.FormatVersion = sealedFile.FormatVersion;
        file.NoncePrefix = sealedFile.NoncePrefix;
        file.ChunkSize = sealedFile.ChunkSize;
        file.PlaintextLength = sealedFile.PlaintextLength;
        file.Ciphertext = ciphertext.ToArray();
        file.KekName = sealedFile.WrappedKey.KeyName;
        file.KekVersion = sealedFile.WrappedKey.KeyVersion;
        file.WrapAlgorithm = sealedFile.WrappedKey.Algorithm;
        file.WrappedKey = sealedFile.WrappedKey.Ciphertext;
        file.Hash = sealedFile.CiphertextSha256;
        return file;
    }

    /// <summary>The whole file, authenticated before any of it is answered (a tampered tail must not leave half a file).</summary>
    public async Task<byte[]> DecryptAsync(ExportFileRow file, string patient, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(file);
        var kek = await keys.GetKeyEncryptionKeyAsync(options.Value.KekName, cancellationToken);
        var sealedFile = new EncryptedStreamRecord(file.FormatVersion,
            new WrappedKey(file.KekName, file.KekVersion, file.WrapAlgorithm, file.WrappedKey),
            file.NoncePrefix, file.ChunkSize, file.PlaintextLength, file.Ciphertext.LongLength, file.Hash);
        using var source = new MemoryStream(file.Ciphertext, writable: false);
        using var plaintext = new MemoryStream((int)Math.Min(file.PlaintextLength, int.MaxValue));
        await cipher.DecryptStreamAsync(sealedFile, source, plaintext, Binding(file, patient), kek, cancellationToken);
        return plaintext.ToArray();
    }

    private static RecordBinding Binding(ExportFileRow file, string patient) =>
        new($"export:{file.JobId:D}:{file.Id:D}", 1, patient,
            RecordCategories.ForResourceType(file.ResourceType)?.Code ?? RecordCategories.ClinicalNote);
}
