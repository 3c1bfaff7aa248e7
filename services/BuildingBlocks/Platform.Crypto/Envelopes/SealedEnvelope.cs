namespace Platform.Crypto.Envelopes;

/// <summary>
/// One message sealed by <see cref="DataKeyEnvelope"/>, everything safe to store: the data key exists only wrapped.
/// The associated data is not stored here; the caller rebuilds it from its own row at opening, which is what makes
/// moving a ciphertext to another row fail.
/// </summary>
/// <param name="WrappedKey">The data key wrapped by the KEK; destroying it (and any cached copy) crypto-shreds the message.</param>
/// <param name="Nonce">12 random bytes.</param>
/// <param name="Tag">16-byte GCM tag.</param>
/// <param name="Ciphertext">As long as the plaintext.</param>
public sealed record SealedEnvelope(WrappedKey WrappedKey, byte[] Nonce, byte[] Tag, byte[] Ciphertext);
