using Platform.Crypto;

namespace Platform.RecordVault.Core;

/// <summary>
/// One record version as stored (format <see cref="EnvelopeFormat.SingleShot"/>): everything here is safe to persist,
/// since the data key exists only wrapped. The <see cref="RecordBinding"/> is not stored here; the row's own columns
/// supply it at decryption, which is what makes moving the ciphertext to another row fail.
/// </summary>
/// <param name="FormatVersion">Always <see cref="EnvelopeFormat.SingleShot"/> for this type.</param>
/// <param name="WrappedKey">The data key wrapped by the KEK; destroying it (and cached copies) crypto-shreds the record.</param>
/// <param name="Nonce">12 random bytes.</param>
/// <param name="Tag">16-byte GCM tag.</param>
/// <param name="Ciphertext">As long as the plaintext.</param>
public sealed record EncryptedRecord(byte FormatVersion, WrappedKey WrappedKey, byte[] Nonce, byte[] Tag, byte[] Ciphertext);
