using System.Security.Cryptography;
using Platform.Crypto;
using Platform.Crypto.Envelopes;

namespace Platform.RecordVault.Core;

/// <summary>
/// Envelope encryption of record versions, built on the platform's <see cref="DataKeyEnvelope"/>: a fresh random 256-bit data key per version, AES-256-GCM with the
/// version's <see cref="RecordBinding"/> as associated data (<see cref="RecordAad"/>), and the data key stored only
/// wrapped by a key-encryption key (KEK) from <see cref="IKeyProvider"/>. Clear data keys are zeroed as soon as the
/// operation ends; they outlive it only in the optional <see cref="DataKeyCache"/>.
/// </summary>
/// <remarks>
/// <para>The KEK is passed in, resolved once by the service with
/// <c>IKeyProvider.GetKeyEncryptionKeyAsync(configuredName)</c>. Decryption checks that the stored wrapped key names
/// that KEK rather than resolving a name read from storage, because resolving a name creates the key when missing.</para>
/// <para>Two formats: <see cref="EncryptAsync"/> for records that fit in memory (FHIR JSON), and
/// <see cref="EncryptStreamAsync"/> for attachments: chunked GCM (see <see cref="EncryptedStreamRecord"/>) where chunk
/// <c>i</c> uses nonce <c>prefix ‖ u32be(i)</c> and the last chunk carries a final flag in its AAD, so reordering,
/// dropping, truncating or extending the chunk sequence fails authentication.</para>
/// <para>Thread-safe: the class holds no per-operation state.</para>
/// </remarks>
public sealed class EnvelopeCipher
{
    /// <param name="cache">Where unwrapped data keys are kept between reads; null to unwrap on every read.</param>
    /// <param name="chunkSize">Plaintext bytes per chunk of the stream format (new records only; reads use the stored size).</param>
    public EnvelopeCipher(DataKeyCache? cache = null, int chunkSize = EnvelopeFormat.DefaultChunkSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkSize, EnvelopeFormat.MinChunkSize);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(chunkSize, EnvelopeFormat.MaxChunkSize);
        Cache = cache;
        ChunkSize = chunkSize;
    }

    public DataKeyCache? Cache { get; }

    public int ChunkSize { get; }

    /// <summary>Encrypts one record version held in memory under a fresh data key wrapped by <paramref name="kek"/>.</summary>
    /// <exception cref="KeyProviderException">The KEK's provider failed (HSM or vault unreachable, refusing).</exception>
    public async Task<EncryptedRecord> EncryptAsync(ReadOnlyMemory<byte> plaintext, RecordBinding binding, IKeyEncryptionKey kek,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(binding);
        ArgumentNullException.ThrowIfNull(kek);
        var aad = RecordAad.Encode(binding, EnvelopeFormat.SingleShot);
        var dataKey = DataKeyEnvelope.NewDataKeyBuffer();
        try
        {
            RandomNumberGenerator.Fill(dataKey);
            var wrapped = await DataKeyEnvelope.WrapAsync(dataKey, kek, cancellationToken).ConfigureAwait(false);
            var (nonce, tag, ciphertext) = DataKeyEnvelope.Encrypt(dataKey, plaintext.Span, aad);
            return new EncryptedRecord(EnvelopeFormat.SingleShot, wrapped, nonce, tag, ciphertext);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(dataKey);
        }
    }

    /// <summary>Decrypts a record version; <paramref name="binding"/> must equal the one it was encrypted with.</summary>
    /// <exception cref="RecordDecryptionException">Tampered or misplaced data, or a different binding.</exception>
    /// <exception cref="KeyProviderException">The KEK's provider failed.</exception>
    public async Task<byte[]> DecryptAsync(EncryptedRecord record, RecordBinding binding, IKeyEncryptionKey kek,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(binding);
        ArgumentNullException.ThrowIfNull(kek);
        CheckEnvelope(record, binding);
        var aad = RecordAad.Encode(binding, EnvelopeFormat.SingleShot);
        var (dataKey, cacheKey, fromCache) = await OpenDataKeyAsync(record.WrappedKey, binding, kek, cancellationToken).ConfigureAwait(false);
        try
        {
            byte[] plaintext;
            try
            {
                plaintext = DataKeyEnvelope.Decrypt(dataKey, record.Nonce, record.Tag, record.Ciphertext, aad);
            }
            catch (AuthenticationTagMismatchException ex)
            {
                Forget(cacheKey, fromCache);
                throw new RecordDecryptionException(RecordDecryptionFailure.AuthenticationFailed,
                    $"Record '{binding.RecordId}' version {binding.Version} failed authentication: the ciphertext, tag, nonce or "
                    + "wrapped key was altered, or the record id, version, patient or category differs from the ones it was written with.", ex);
            }
            Remember(cacheKey, dataKey, fromCache);
            return plaintext;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(dataKey);
        }
    }

    /// <summary>
    /// Encrypts <paramref name="plaintext"/> (read to its end) into <paramref name="destination"/> in the chunked format;
    /// the returned metadata is what to store next to the blob. Memory use is two chunks, whatever the length.
    /// </summary>
    /// <exception cref="KeyProviderException">The KEK's provider failed.</exception>
    public async Task<EncryptedStreamRecord> EncryptStreamAsync(Stream plaintext, Stream destination, RecordBinding binding,
        IKeyEncryptionKey kek, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plaintext);
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(binding);
        ArgumentNullException.ThrowIfNull(kek);
        var aad = RecordAad.Encode(binding, EnvelopeFormat.Chunked);
        var dataKey = DataKeyEnvelope.NewDataKeyBuffer();
        try
        {
            RandomNumberGenerator.Fill(dataKey);
            var wrapped = await DataKeyEnvelope.WrapAsync(dataKey, kek, cancellationToken).ConfigureAwait(false);
            var prefix = RandomNumberGenerator.GetBytes(EnvelopeFormat.NoncePrefixSize);
            using var aes = new AesGcm(dataKey, EnvelopeFormat.TagSize);
            var written = await ChunkedGcm.EncryptAsync(aes, prefix, ChunkSize, aad, plaintext, destination, cancellationToken)
                .ConfigureAwait(false);
            return new EncryptedStreamRecord(EnvelopeFormat.Chunked, wrapped, prefix, ChunkSize,
                written.PlaintextLength, written.CiphertextLength, written.CiphertextSha256);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(dataKey);
        }
    }

    /// <summary>
    /// Decrypts a chunked blob from <paramref name="ciphertext"/> into <paramref name="destination"/>.
    /// </summary>
    /// <remarks>
    /// Each chunk is authenticated before its plaintext is written, but a truncation is only known at the end: when
    /// this throws, <paramref name="destination"/> has received an authentic but incomplete prefix. Abort the HTTP
    /// response (do not complete it) on an exception, or decrypt into a buffer first.
    /// </remarks>
    /// <exception cref="RecordDecryptionException">Tampered, reordered, truncated or misplaced data, or a different binding.</exception>
    /// <exception cref="KeyProviderException">The KEK's provider failed.</exception>
    public async Task DecryptStreamAsync(EncryptedStreamRecord record, Stream ciphertext, Stream destination, RecordBinding binding,
        IKeyEncryptionKey kek, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(ciphertext);
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(binding);
        ArgumentNullException.ThrowIfNull(kek);
        CheckEnvelope(record, binding);
        var aad = RecordAad.Encode(binding, EnvelopeFormat.Chunked);
        var (dataKey, cacheKey, fromCache) = await OpenDataKeyAsync(record.WrappedKey, binding, kek, cancellationToken).ConfigureAwait(false);
        try
        {
            using var aes = new AesGcm(dataKey, EnvelopeFormat.TagSize);
            try
            {
                await ChunkedGcm.DecryptAsync(aes, record, aad, binding, ciphertext, destination, cancellationToken).ConfigureAwait(false);
            }
            catch (RecordDecryptionException ex) when (ex.Failure == RecordDecryptionFailure.AuthenticationFailed)
            {
                Forget(cacheKey, fromCache);
                throw;
            }
            Remember(cacheKey, dataKey, fromCache);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(dataKey);
        }
    }

    // Pinned so the GC cannot leave copies of the key behind when it compacts the heap.
    /// <summary>The record's data key from the cache, or unwrapped by the KEK; the caller zeroes the returned array.</summary>
    private async Task<(byte[] DataKey, DataKeyCacheKey CacheKey, bool FromCache)> OpenDataKeyAsync(WrappedKey wrapped, RecordBinding binding,
        IKeyEncryptionKey kek, CancellationToken cancellationToken)
    {
        var cacheKey = new DataKeyCacheKey(binding.RecordId, binding.Version, wrapped.KeyName, wrapped.KeyVersion);
        var dataKey = DataKeyEnvelope.NewDataKeyBuffer();
        if (Cache is not null && Cache.TryGet(cacheKey, dataKey))
        {
            return (dataKey, cacheKey, true);
        }
        if (wrapped.KeyName != kek.KeyName)
        {
            throw new RecordDecryptionException(RecordDecryptionFailure.WrappedKeyRejected,
                $"Record '{binding.RecordId}' version {binding.Version} names KEK '{wrapped.KeyName}', not '{kek.KeyName}'.");
        }
        byte[] unwrapped;
        try
        {
            unwrapped = await kek.UnwrapAsync(wrapped, cancellationToken).ConfigureAwait(false);
        }
        catch (KeyUnwrapException ex)
        {
            throw new RecordDecryptionException(RecordDecryptionFailure.WrappedKeyRejected,
                $"The wrapped data key of record '{binding.RecordId}' version {binding.Version} was refused by KEK '{wrapped.KeyName}' "
                + $"version {wrapped.KeyVersion}.", ex);
        }
        try
        {
            if (unwrapped.Length != EnvelopeFormat.DataKeySize)
            {
                throw new RecordDecryptionException(RecordDecryptionFailure.WrappedKeyRejected,
                    $"The wrapped data key of record '{binding.RecordId}' version {binding.Version} is not a 256-bit key.");
            }
            unwrapped.CopyTo(dataKey, 0);
            return (dataKey, cacheKey, false);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(unwrapped);
        }
    }

    // Cache only a key that has just authenticated this record: a swapped-in wrapped key from another record must not
    // be remembered under this record's name.
    private void Remember(DataKeyCacheKey cacheKey, byte[] dataKey, bool fromCache)
    {
        if (!fromCache)
        {
            Cache?.Set(cacheKey, dataKey);
        }
    }

    private void Forget(DataKeyCacheKey cacheKey, bool fromCache)
    {
        if (fromCache)
        {
            Cache?.Remove(cacheKey);
        }
    }

    private static void CheckEnvelope(EncryptedRecord record, RecordBinding binding)
    {
        if (record.FormatVersion != EnvelopeFormat.SingleShot || record.WrappedKey is null
            || record.Nonce is not { Length: EnvelopeFormat.NonceSize } || record.Tag is not { Length: EnvelopeFormat.TagSize }
            || record.Ciphertext is null)
        {
            throw Malformed(binding, $"format {record.FormatVersion} with a {record.Nonce?.Length}-byte nonce and a {record.Tag?.Length}-byte tag");
        }
    }

    private static void CheckEnvelope(EncryptedStreamRecord record, RecordBinding binding)
    {
        if (record.FormatVersion != EnvelopeFormat.Chunked || record.WrappedKey is null
            || record.NoncePrefix is not { Length: EnvelopeFormat.NoncePrefixSize }
            || record.ChunkSize is < EnvelopeFormat.MinChunkSize or > EnvelopeFormat.MaxChunkSize
            || record.PlaintextLength < 0)
        {
            throw Malformed(binding, $"format {record.FormatVersion} with chunk size {record.ChunkSize} and a {record.NoncePrefix?.Length}-byte nonce prefix");
        }
    }

    private static RecordDecryptionException Malformed(RecordBinding binding, string what) =>
        new(RecordDecryptionFailure.MalformedEnvelope, $"Record '{binding.RecordId}' version {binding.Version} has an unreadable envelope ({what}).");
}
