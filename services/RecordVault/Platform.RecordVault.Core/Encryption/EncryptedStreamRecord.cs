using Platform.Crypto;

namespace Platform.RecordVault.Core;

/// <summary>
/// Metadata of a chunked record version (format <see cref="EnvelopeFormat.Chunked"/>); the ciphertext itself went to
/// the destination stream as a blob of chunks, each <c>ciphertext ‖ 16-byte tag</c>, every chunk but the last holding
/// exactly <see cref="ChunkSize"/> plaintext bytes. An empty plaintext is one empty final chunk (16 bytes).
/// </summary>
/// <param name="FormatVersion">Always <see cref="EnvelopeFormat.Chunked"/> for this type.</param>
/// <param name="WrappedKey">The data key wrapped by the KEK.</param>
/// <param name="NoncePrefix">8 random bytes; chunk <c>i</c> uses nonce <c>prefix ‖ u32be(i)</c>.</param>
/// <param name="ChunkSize">Plaintext bytes per chunk.</param>
/// <param name="PlaintextLength">Total plaintext bytes (e.g. for Content-Length); checked again when decrypting.</param>
/// <param name="CiphertextLength">Bytes written to the destination.</param>
/// <param name="CiphertextSha256">Lowercase hex SHA-256 of the blob written, computed while writing; equals
/// <see cref="RecordHash.OfStream"/> of the stored blob, so the ledger anchor needs no second pass.</param>
public sealed record EncryptedStreamRecord(
    byte FormatVersion,
    WrappedKey WrappedKey,
    byte[] NoncePrefix,
    int ChunkSize,
    long PlaintextLength,
    long CiphertextLength,
    string CiphertextSha256);
