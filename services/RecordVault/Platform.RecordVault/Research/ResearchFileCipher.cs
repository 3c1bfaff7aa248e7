using Microsoft.Extensions.Options;
using Platform.Contracts.CodeLists;
using Platform.Crypto;
using Platform.RecordVault.Core;
using Platform.RecordVault.Data;
using Platform.RecordVault.Records;

namespace Platform.RecordVault.Research;

/// <summary>
/// Encrypts and decrypts research export files as the store does record versions: a fresh data key per file wrapped
/// by the vault's KEK, AES-256-GCM chunks bound to the export and the file's name (and the export in place of a
/// patient), so a ciphertext moved onto another export or file fails authentication.
/// </summary>
public sealed class ResearchFileCipher(EnvelopeCipher cipher, IKeyProvider keys, IOptions<RecordVaultOptions> options)
{
    public async Task<ResearchExportFileRow> EncryptAsync(Guid exportId, string name, int count, byte[] plaintext, CancellationToken cancellationToken)
    {
        var file = new ResearchExportFileRow
        {
            Id = Guid.NewGuid(), ExportId = exportId, Name = name, Count = count, Sha256 = ResearchExportManifest.Sha256Hex(plaintext),
        };
        var kek = await keys.GetKeyEncryptionKeyAsync(options.Value.KekName, cancellationToken);
        using var source = new MemoryStream(plaintext, writable: false);
        using var ciphertext = new MemoryStream();
        var sealedFile = await cipher.EncryptStreamAsync(source, ciphertext, Binding(file), kek, cancellationToken);
        file.FormatVersion = sealedFile.FormatVersion;
        file.NoncePrefix = sealedFile.NoncePrefix;
        file.ChunkSize = sealedFile.ChunkSize;
        file.PlaintextLength = sealedFile.PlaintextLength;
        file.Ciphertext = ciphertext.ToArray();
        file.KekName = sealedFile.WrappedKey.KeyName;
        file.KekVersion = sealedFile.WrappedKey.KeyVersion;
        file.WrapAlgorithm = sealedFile.WrappedKey.Algorithm;
        file.WrappedKey = sealedFile.WrappedKey.Ciphertext;
        file.CiphertextHash = sealedFile.CiphertextSha256;
        return file;
    }

    /// <summary>The whole file, authenticated before any of it is answered.</summary>
    public async Task<byte[]> DecryptAsync(ResearchExportFileRow file, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(file);
        var kek = await keys.GetKeyEncryptionKeyAsync(options.Value.KekName, cancellationToken);
        var sealedFile = new EncryptedStreamRecord(file.FormatVersion,
            new WrappedKey(file.KekName, file.KekVersion, file.WrapAlgorithm, file.WrappedKey),
            file.NoncePrefix, file.ChunkSize, file.PlaintextLength, file.Ciphertext.LongLength, file.CiphertextHash);
        using var source = new MemoryStream(file.Ciphertext, writable: false);
        using var plaintext = new MemoryStream((int)Math.Min(file.PlaintextLength, int.MaxValue));
        await cipher.DecryptStreamAsync(sealedFile, source, plaintext, Binding(file), kek, cancellationToken);
        return plaintext.ToArray();
    }

    private static RecordBinding Binding(ResearchExportFileRow file) =>
        new($"research-export:{file.ExportId:D}:{file.Name}", 1, "export-" + file.ExportId.ToString("N"), RecordCategories.ClinicalNote);
}
