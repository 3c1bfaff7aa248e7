using System.Security.Cryptography;

namespace Platform.Crypto.Envelopes;

/// <summary>
/// Envelope encryption, the one implementation in the platform: a fresh random 256-bit data key per message,
/// AES-256-GCM (96-bit random nonce, 128-bit tag) over the plaintext with caller-built associated data
/// (<see cref="AssociatedDataWriter"/>), and the data key kept only wrapped by a key-encryption key. Clear data keys
/// live in pinned arrays that are zeroed when the call ends, on every path.
/// </summary>
/// <remarks>
/// The record vault builds its single-shot and chunked formats on <see cref="Encrypt"/>/<see cref="Decrypt"/> (it
/// caches data keys, so it unwraps itself); KYC evidence uses <see cref="SealAsync"/>/<see cref="OpenAsync"/>.
/// </remarks>
public static class DataKeyEnvelope
{
    /// <summary>Data-key length in bytes (AES-256).</summary>
    public const int DataKeySize = 32;

    /// <summary>GCM nonce length in bytes.</summary>
    public const int NonceSize = 12;

    /// <summary>GCM tag length in bytes (the full 128 bits; shorter tags weaken GCM).</summary>
    public const int TagSize = 16;

    /// <summary>A pinned buffer for a clear data key, so the GC never leaves a copy behind; zero it when done.</summary>
    public static byte[] NewDataKeyBuffer() => GC.AllocateArray<byte>(DataKeySize, pinned: true);

    /// <summary>Wraps a data key, checking that the KEK's answer names it (a provider bug must not store an unreadable key).</summary>
    /// <exception cref="KeyProviderException">The KEK's provider failed, or answered with a wrapped key that does not name it.</exception>
    public static async Task<WrappedKey> WrapAsync(ReadOnlyMemory<byte> dataKey, IKeyEncryptionKey kek, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(kek);
        var wrapped = await kek.WrapAsync(dataKey, cancellationToken).ConfigureAwait(false);
        if (wrapped.KeyName != kek.KeyName || wrapped.Ciphertext.Length == 0)
        {
            throw new KeyProviderException($"KEK '{kek.KeyName}' returned a wrapped key that does not name it.");
        }
        return wrapped;
    }

    /// <summary>Encrypts under a fresh data key wrapped by <paramref name="kek"/>.</summary>
    /// <exception cref="KeyProviderException">The KEK's provider failed (HSM or vault unreachable, refusing).</exception>
    public static async Task<SealedEnvelope> SealAsync(ReadOnlyMemory<byte> plaintext, ReadOnlyMemory<byte> associatedData,
        IKeyEncryptionKey kek, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(kek);
        var dataKey = NewDataKeyBuffer();
        try
        {
            RandomNumberGenerator.Fill(dataKey);
            var wrapped = await WrapAsync(dataKey, kek, cancellationToken).ConfigureAwait(false);
            var (nonce, tag, ciphertext) = Encrypt(dataKey, plaintext.Span, associatedData.Span);
            return new SealedEnvelope(wrapped, nonce, tag, ciphertext);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(dataKey);
        }
    }

    /// <summary>Unwraps the data key with <paramref name="kek"/> and decrypts.</summary>
    /// <exception cref="KeyUnwrapException">The KEK refused the wrapped key (tampered, or another KEK's), or it is not a 256-bit key.</exception>
    /// <exception cref="AuthenticationTagMismatchException">Any altered byte, or different associated data.</exception>
    /// <exception cref="KeyProviderException">The KEK's provider failed.</exception>
    public static async Task<byte[]> OpenAsync(SealedEnvelope envelope, ReadOnlyMemory<byte> associatedData, IKeyEncryptionKey kek,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        ArgumentNullException.ThrowIfNull(kek);
        var dataKey = await kek.UnwrapAsync(envelope.WrappedKey, cancellationToken).ConfigureAwait(false);
        try
        {
            if (dataKey.Length != DataKeySize)
            {
                throw new KeyUnwrapException($"The data key unwrapped by KEK '{kek.KeyName}' is not a 256-bit key.");
            }
            return Decrypt(dataKey, envelope.Nonce, envelope.Tag, envelope.Ciphertext, associatedData.Span);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(dataKey);
        }
    }

    /// <summary>AES-256-GCM under <paramref name="dataKey"/> with a fresh random nonce.</summary>
    public static (byte[] Nonce, byte[] Tag, byte[] Ciphertext) Encrypt(ReadOnlySpan<byte> dataKey, ReadOnlySpan<byte> plaintext,
        ReadOnlySpan<byte> associatedData)
    {
        var nonce = RandomNumberGenerator.GetBytes(NonceSize);
        var tag = new byte[TagSize];
        var ciphertext = new byte[plaintext.Length];
        using var aes = new AesGcm(dataKey, TagSize);
        aes.Encrypt(nonce, plaintext, ciphertext, tag, associatedData);
        return (nonce, tag, ciphertext);
    }

    /// <summary>The inverse of <see cref="Encrypt"/>.</summary>
    /// <exception cref="AuthenticationTagMismatchException">Any altered byte, or different associated data.</exception>
    /// <exception cref="ArgumentException">A nonce or tag of the wrong size.</exception>
    public static byte[] Decrypt(ReadOnlySpan<byte> dataKey, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> tag, ReadOnlySpan<byte> ciphertext,
        ReadOnlySpan<byte> associatedData)
    {
        var plaintext = new byte[ciphertext.Length];
        using var aes = new AesGcm(dataKey, TagSize);
        aes.Decrypt(nonce, ciphertext, tag, plaintext, associatedData);
        return plaintext;
    }
}
