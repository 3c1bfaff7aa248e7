using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Platform.RecordVault.Core;

/// <summary>
/// The chunked AES-GCM stream format (after the STREAM construction of Hoang, Reyhanitabar, Rogaway and Vizár):
/// chunk <c>i</c> is encrypted with nonce <c>prefix ‖ u32be(i)</c> and AAD <c>recordAad ‖ u32be(chunkSize) ‖ final</c>,
/// and stored as <c>ciphertext ‖ tag</c>. The counter in the nonce pins each chunk's position; the final flag makes a
/// stream cut at a chunk boundary, or extended past its last chunk, fail authentication.
/// </summary>
/// <remarks>
/// The last chunk is only known after reading ahead, so both directions keep one chunk in hand. Plaintext buffers are
/// cleared before they go back to the pool.
/// </remarks>
internal static class ChunkedGcm
{
    public readonly record struct Written(long PlaintextLength, long CiphertextLength, string CiphertextSha256);

    public static async Task<Written> EncryptAsync(AesGcm aes, byte[] noncePrefix, int chunkSize, byte[] recordAad, Stream source,
        Stream destination, CancellationToken cancellationToken)
    {
        var current = ArrayPool<byte>.Shared.Rent(chunkSize);
        var ahead = ArrayPool<byte>.Shared.Rent(chunkSize);
        var output = ArrayPool<byte>.Shared.Rent(chunkSize + EnvelopeFormat.TagSize);
        var nonce = new byte[EnvelopeFormat.NonceSize];
        var aad = ChunkAad(recordAad, chunkSize);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        try
        {
            long plaintextLength = 0, ciphertextLength = 0;
            var length = await FillAsync(source, current.AsMemory(0, chunkSize), cancellationToken).ConfigureAwait(false);
            for (uint index = 0; ; index = checked(index + 1))
            {
                var next = 0;
                var final = length < chunkSize;
                if (!final)
                {
                    next = await FillAsync(source, ahead.AsMemory(0, chunkSize), cancellationToken).ConfigureAwait(false);
                    final = next == 0;
                }
                SetNonce(nonce, noncePrefix, index);
                aad[^1] = final ? (byte)1 : (byte)0;
                aes.Encrypt(nonce, current.AsSpan(0, length), output.AsSpan(0, length),
                    output.AsSpan(length, EnvelopeFormat.TagSize), aad);
                var stored = length + EnvelopeFormat.TagSize;
                hash.AppendData(output, 0, stored);
                await destination.WriteAsync(output.AsMemory(0, stored), cancellationToken).ConfigureAwait(false);
                plaintextLength += length;
                ciphertextLength += stored;
                if (final)
                {
                    return new Written(plaintextLength, ciphertextLength, Convert.ToHexStringLower(hash.GetHashAndReset()));
                }
                (current, ahead) = (ahead, current);
                length = next;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(current, clearArray: true);
            ArrayPool<byte>.Shared.Return(ahead, clearArray: true);
            ArrayPool<byte>.Shared.Return(output);
        }
    }

    public static async Task DecryptAsync(AesGcm aes, EncryptedStreamRecord record, byte[] recordAad, RecordBinding binding,
        Stream source, Stream destination, CancellationToken cancellationToken)
    {
        var chunkSize = record.ChunkSize;
        var storedSize = chunkSize + EnvelopeFormat.TagSize;
        var current = ArrayPool<byte>.Shared.Rent(storedSize);
        var ahead = ArrayPool<byte>.Shared.Rent(storedSize);
        var plaintext = ArrayPool<byte>.Shared.Rent(chunkSize);
        var nonce = new byte[EnvelopeFormat.NonceSize];
        var aad = ChunkAad(recordAad, chunkSize);
        try
        {
            long plaintextLength = 0;
            var length = await FillAsync(source, current.AsMemory(0, storedSize), cancellationToken).ConfigureAwait(false);
            for (uint index = 0; ; index = checked(index + 1))
            {
                if (length < EnvelopeFormat.TagSize)
                {
                    throw Failure(RecordDecryptionFailure.Truncated, binding, $"the stream ends inside chunk {index}");
                }
                var next = 0;
                var final = length < storedSize;
                if (!final)
                {
                    next = await FillAsync(source, ahead.AsMemory(0, storedSize), cancellationToken).ConfigureAwait(false);
                    final = next == 0;
                }
                var textLength = length - EnvelopeFormat.TagSize;
                SetNonce(nonce, record.NoncePrefix, index);
                aad[^1] = final ? (byte)1 : (byte)0;
                try
                {
                    aes.Decrypt(nonce, current.AsSpan(0, textLength), current.AsSpan(textLength, EnvelopeFormat.TagSize),
                        plaintext.AsSpan(0, textLength), aad);
                }
                catch (AuthenticationTagMismatchException ex)
                {
                    throw Failure(RecordDecryptionFailure.AuthenticationFailed, binding,
                        $"chunk {index} failed authentication: the blob was altered, reordered, truncated or extended, the wrapped key "
                        + "was swapped, or the record id, version, patient or category differs from the ones it was written with", ex);
                }
                plaintextLength += textLength;
                if (plaintextLength > record.PlaintextLength)
                {
                    throw Failure(RecordDecryptionFailure.Truncated, binding, "the blob holds more plaintext than its recorded length");
                }
                await destination.WriteAsync(plaintext.AsMemory(0, textLength), cancellationToken).ConfigureAwait(false);
                if (final)
                {
                    if (plaintextLength != record.PlaintextLength)
                    {
                        throw Failure(RecordDecryptionFailure.Truncated, binding, "the blob holds less plaintext than its recorded length");
                    }
                    return;
                }
                (current, ahead) = (ahead, current);
                length = next;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(current);
            ArrayPool<byte>.Shared.Return(ahead);
            ArrayPool<byte>.Shared.Return(plaintext, clearArray: true);
        }
    }

    private static byte[] ChunkAad(byte[] recordAad, int chunkSize)
    {
        var aad = new byte[recordAad.Length + 5];
        recordAad.CopyTo(aad, 0);
        BinaryPrimitives.WriteUInt32BigEndian(aad.AsSpan(recordAad.Length), (uint)chunkSize);
        return aad;
    }

    private static void SetNonce(byte[] nonce, byte[] prefix, uint index)
    {
        prefix.CopyTo(nonce, 0);
        BinaryPrimitives.WriteUInt32BigEndian(nonce.AsSpan(EnvelopeFormat.NoncePrefixSize), index);
    }

    /// <summary>Reads until <paramref name="buffer"/> is full or the stream ends; returns the bytes read.</summary>
    private static async ValueTask<int> FillAsync(Stream source, Memory<byte> buffer, CancellationToken cancellationToken) =>
        await source.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);

    private static RecordDecryptionException Failure(RecordDecryptionFailure failure, RecordBinding binding, string what,
        Exception? inner = null) =>
        new(failure, $"Record '{binding.RecordId}' version {binding.Version}: {what}.", inner);
}
