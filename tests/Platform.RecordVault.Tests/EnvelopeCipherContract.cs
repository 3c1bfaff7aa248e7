using System.Security.Cryptography;
using Platform.Contracts.CodeLists;
using Platform.Crypto;
using Platform.RecordVault.Core;
using Platform.RecordVault.Tests.Infrastructure;

namespace Platform.RecordVault.Tests;

/// <summary>
/// What envelope encryption must guarantee, whatever holds the KEK. Runs once against the software key provider and
/// once against a real SoftHSM2 token (see the two subclasses).
/// </summary>
public abstract class EnvelopeCipherContract
{
    protected static readonly CancellationToken None = CancellationToken.None;
    private const int SmallChunk = EnvelopeFormat.MinChunkSize;

    /// <summary>A new KEK (version 1) that no other test uses.</summary>
    protected abstract Task<IKeyEncryptionKey> NewKekAsync();

    /// <summary>Rotates the KEK through its provider; returns the new version.</summary>
    protected abstract Task<string> RotateAsync(IKeyEncryptionKey kek);

    // ---- single-shot records -------------------------------------------------------------------------------------

    [Fact]
    public async Task Small_record_round_trips_and_its_ciphertext_hides_the_plaintext()
    {
        var kek = await NewKekAsync();
        var cipher = new EnvelopeCipher();
        var plaintext = Payloads.Fhir();

        var record = await cipher.EncryptAsync(plaintext, Payloads.Binding, kek, None);

        Assert.Equal(EnvelopeFormat.SingleShot, record.FormatVersion);
        Assert.Equal(EnvelopeFormat.NonceSize, record.Nonce.Length);
        Assert.Equal(EnvelopeFormat.TagSize, record.Tag.Length);
        Assert.Equal(plaintext.Length, record.Ciphertext.Length);
        Assert.Equal((kek.KeyName, "1", KeyAlgorithms.Aes256KeyWrapPadded), (record.WrappedKey.KeyName, record.WrappedKey.KeyVersion, record.WrappedKey.Algorithm));
        Assert.False(Payloads.ContainsMarker(record.Ciphertext), "the ciphertext must not contain the plaintext marker");
        Assert.Equal(plaintext, await cipher.DecryptAsync(record, Payloads.Binding, kek, None));
    }

    [Fact]
    public async Task Empty_record_round_trips_in_both_formats()
    {
        var kek = await NewKekAsync();
        var cipher = new EnvelopeCipher(chunkSize: SmallChunk);

        var record = await cipher.EncryptAsync(ReadOnlyMemory<byte>.Empty, Payloads.Binding, kek, None);
        Assert.Empty(await cipher.DecryptAsync(record, Payloads.Binding, kek, None));

        var (meta, blob) = await EncryptStreamAsync(cipher, [], kek);
        Assert.Equal((0L, (long)EnvelopeFormat.TagSize), (meta.PlaintextLength, meta.CiphertextLength));
        Assert.Empty(await DecryptStreamAsync(cipher, meta, blob, Payloads.Binding, kek));
    }

    [Fact]
    public async Task Every_version_gets_a_fresh_data_key_that_is_stored_only_wrapped_and_zeroed_after_use()
    {
        var kek = new RecordingKek(await NewKekAsync());
        var cipher = new EnvelopeCipher();
        var plaintext = Payloads.Fhir();

        var first = await cipher.EncryptAsync(plaintext, Payloads.Binding, kek, None);
        var second = await cipher.EncryptAsync(plaintext, Payloads.Binding, kek, None);
        await cipher.DecryptAsync(first, Payloads.Binding, kek, None);

        Assert.Equal(2, kek.WrappedKeyCopies.Count);
        var dataKey = kek.WrappedKeyCopies[0];
        Assert.Equal(EnvelopeFormat.DataKeySize, dataKey.Length);
        Assert.NotEqual(dataKey, kek.WrappedKeyCopies[1]);
        Assert.NotEqual(first.Ciphertext, second.Ciphertext);
        Assert.NotEqual(dataKey, first.WrappedKey.Ciphertext);
        foreach (var stored in new[] { first.WrappedKey.Ciphertext, first.Ciphertext, first.Nonce, first.Tag })
        {
            // Any 8-byte window of the key appearing would be a leak; checking every window is cheap.
            for (var at = 0; at + 8 <= dataKey.Length; at++)
            {
                Assert.False(Payloads.Contains(stored, dataKey.AsSpan(at, 8)), "clear data-key bytes appear in stored bytes");
            }
        }
        Assert.All(kek.WrapInputArrays, array => Assert.True(Payloads.IsAllZero(array), "the data key given to WrapAsync was not zeroed"));
        Assert.All(kek.UnwrapOutputArrays, array => Assert.True(Payloads.IsAllZero(array), "the unwrapped data key was not zeroed"));
        Assert.Equal(kek.WrappedKeyCopies[0], await kek.UnwrapAsync(first.WrappedKey, None));
    }

    public static TheoryData<string> BindingChanges => ["record id", "version", "patient", "category"];

    [Theory]
    [MemberData(nameof(BindingChanges))]
    public async Task Changing_any_bound_field_makes_decryption_fail(string change)
    {
        var kek = await NewKekAsync();
        var cipher = new EnvelopeCipher(chunkSize: SmallChunk);
        var other = Change(Payloads.Binding, change);

        var record = await cipher.EncryptAsync(Payloads.Fhir(), Payloads.Binding, kek, None);
        var failure = await Assert.ThrowsAsync<RecordDecryptionException>(() => cipher.DecryptAsync(record, other, kek, None));
        Assert.Equal(RecordDecryptionFailure.AuthenticationFailed, failure.Failure);

        var (meta, blob) = await EncryptStreamAsync(cipher, Payloads.Large(5000), kek);
        var streamFailure = await Assert.ThrowsAsync<RecordDecryptionException>(() => DecryptStreamAsync(cipher, meta, blob, other, kek));
        Assert.Equal(RecordDecryptionFailure.AuthenticationFailed, streamFailure.Failure);
    }

    [Fact]
    public async Task Flipping_a_bit_of_ciphertext_tag_or_nonce_makes_decryption_fail()
    {
        var kek = await NewKekAsync();
        var cipher = new EnvelopeCipher();
        var record = await cipher.EncryptAsync(Payloads.Fhir(), Payloads.Binding, kek, None);

        foreach (var tampered in new[]
                 {
                     record with { Ciphertext = Flip(record.Ciphertext, record.Ciphertext.Length / 2) },
                     record with { Ciphertext = Flip(record.Ciphertext, 0) },
                     record with { Tag = Flip(record.Tag, 15) },
                     record with { Nonce = Flip(record.Nonce, 3) },
                     record with { Ciphertext = record.Ciphertext[..^1] },
                 })
        {
            var failure = await Assert.ThrowsAsync<RecordDecryptionException>(() => cipher.DecryptAsync(tampered, Payloads.Binding, kek, None));
            Assert.Equal(RecordDecryptionFailure.AuthenticationFailed, failure.Failure);
        }
    }

    [Fact]
    public async Task Tampered_or_foreign_wrapped_keys_are_refused()
    {
        var kek = await NewKekAsync();
        var otherKek = await NewKekAsync();
        var cipher = new EnvelopeCipher();
        var record = await cipher.EncryptAsync(Payloads.Fhir(), Payloads.Binding, kek, None);
        var otherBinding = new RecordBinding("rec-0002", 1, Payloads.Binding.PatientPseudonym, Payloads.Binding.Category);
        var otherRecord = await cipher.EncryptAsync(Payloads.Fhir(), otherBinding, kek, None);

        async Task<RecordDecryptionFailure> Fails(EncryptedRecord candidate, IKeyEncryptionKey key) =>
            (await Assert.ThrowsAsync<RecordDecryptionException>(() => cipher.DecryptAsync(candidate, Payloads.Binding, key, None))).Failure;

        var wrapped = record.WrappedKey;
        Assert.Equal(RecordDecryptionFailure.WrappedKeyRejected, await Fails(record with { WrappedKey = wrapped with { Ciphertext = Flip(wrapped.Ciphertext, 5) } }, kek));
        Assert.Equal(RecordDecryptionFailure.WrappedKeyRejected, await Fails(record with { WrappedKey = wrapped with { KeyVersion = "99" } }, kek));
        Assert.Equal(RecordDecryptionFailure.WrappedKeyRejected, await Fails(record, otherKek));
        // Another record's wrapped key unwraps fine under the same KEK, but it is the wrong data key.
        Assert.Equal(RecordDecryptionFailure.AuthenticationFailed, await Fails(record with { WrappedKey = otherRecord.WrappedKey }, kek));
        Assert.Equal(RecordDecryptionFailure.MalformedEnvelope, await Fails(record with { Nonce = record.Nonce[..8] }, kek));
        Assert.Equal(RecordDecryptionFailure.MalformedEnvelope, await Fails(record with { FormatVersion = EnvelopeFormat.Chunked }, kek));
    }

    // ---- chunked streams -----------------------------------------------------------------------------------------

    [Fact]
    public async Task Five_megabyte_stream_round_trips_with_the_default_chunk_size()
    {
        var kek = await NewKekAsync();
        var cipher = new EnvelopeCipher();
        var plaintext = Payloads.Large(5 * 1024 * 1024);

        var (meta, blob) = await EncryptStreamAsync(cipher, plaintext, kek);

        var chunks = (plaintext.Length + EnvelopeFormat.DefaultChunkSize - 1) / EnvelopeFormat.DefaultChunkSize;
        Assert.Equal(EnvelopeFormat.Chunked, meta.FormatVersion);
        Assert.Equal(EnvelopeFormat.DefaultChunkSize, meta.ChunkSize);
        Assert.Equal(plaintext.Length, meta.PlaintextLength);
        Assert.Equal(plaintext.Length + (long)chunks * EnvelopeFormat.TagSize, meta.CiphertextLength);
        Assert.Equal(meta.CiphertextLength, blob.Length);
        Assert.Equal(RecordHash.Of(blob), meta.CiphertextSha256);
        Assert.False(Payloads.ContainsMarker(blob), "the stored blob must not contain the plaintext marker");
        Assert.Equal(plaintext, await DecryptStreamAsync(cipher, meta, blob, Payloads.Binding, kek));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(SmallChunk - 1)]
    [InlineData(SmallChunk)]
    [InlineData(SmallChunk + 1)]
    [InlineData(4 * SmallChunk)]
    public async Task Streams_round_trip_at_chunk_boundaries(int length)
    {
        var kek = await NewKekAsync();
        var cipher = new EnvelopeCipher(chunkSize: SmallChunk);
        var plaintext = RandomNumberGenerator.GetBytes(length);

        var (meta, blob) = await EncryptStreamAsync(cipher, plaintext, kek, trickle: true);

        Assert.Equal(plaintext.Length + (long)Math.Max(1, (length + SmallChunk - 1) / SmallChunk) * EnvelopeFormat.TagSize, blob.Length);
        Assert.Equal(plaintext, await DecryptStreamAsync(cipher, meta, blob, Payloads.Binding, kek, trickle: true));
    }

    [Fact]
    public async Task Truncating_extending_reordering_or_altering_a_stream_makes_decryption_fail()
    {
        var kek = await NewKekAsync();
        var cipher = new EnvelopeCipher(chunkSize: SmallChunk);
        var (meta, blob) = await EncryptStreamAsync(cipher, Payloads.Large(10 * SmallChunk + 100), kek);
        const int Stored = SmallChunk + EnvelopeFormat.TagSize;

        var cases = new (string Name, byte[] Blob, RecordDecryptionFailure Expected)[]
        {
            ("drop the last chunk", blob[..(10 * Stored)], RecordDecryptionFailure.AuthenticationFailed),
            ("drop the last three chunks", blob[..(8 * Stored)], RecordDecryptionFailure.AuthenticationFailed),
            ("cut inside a chunk", blob[..(5 * Stored + 500)], RecordDecryptionFailure.AuthenticationFailed),
            ("cut inside the last tag", blob[..^(blob.Length - 10 * Stored - 10)], RecordDecryptionFailure.Truncated),
            ("empty blob", [], RecordDecryptionFailure.Truncated),
            ("append a copy of a chunk", [.. blob, .. blob[..Stored]], RecordDecryptionFailure.AuthenticationFailed),
            ("append one byte", [.. blob, 0], RecordDecryptionFailure.AuthenticationFailed),
            ("swap chunks 1 and 2", Swap(blob, 1, 2, Stored), RecordDecryptionFailure.AuthenticationFailed),
            ("swap chunks 0 and 9", Swap(blob, 0, 9, Stored), RecordDecryptionFailure.AuthenticationFailed),
            ("flip a ciphertext byte", Flip(blob, 3 * Stored + 7), RecordDecryptionFailure.AuthenticationFailed),
            ("flip a tag byte", Flip(blob, 4 * Stored - 1), RecordDecryptionFailure.AuthenticationFailed),
        };
        foreach (var (name, candidate, expected) in cases)
        {
            var failure = await Assert.ThrowsAsync<RecordDecryptionException>(() => DecryptStreamAsync(cipher, meta, candidate, Payloads.Binding, kek));
            Assert.True(expected == failure.Failure, $"{name}: expected {expected}, got {failure.Failure} ({failure.Message})");
        }

        async Task<RecordDecryptionFailure> MetaFails(EncryptedStreamRecord candidate) =>
            (await Assert.ThrowsAsync<RecordDecryptionException>(() => DecryptStreamAsync(cipher, candidate, blob, Payloads.Binding, kek))).Failure;

        Assert.Equal(RecordDecryptionFailure.Truncated, await MetaFails(meta with { PlaintextLength = meta.PlaintextLength + 1 }));
        Assert.Equal(RecordDecryptionFailure.Truncated, await MetaFails(meta with { PlaintextLength = meta.PlaintextLength - 1 }));
        Assert.Equal(RecordDecryptionFailure.AuthenticationFailed, await MetaFails(meta with { NoncePrefix = Flip(meta.NoncePrefix, 0) }));
        Assert.Equal(RecordDecryptionFailure.AuthenticationFailed, await MetaFails(meta with { ChunkSize = 2 * SmallChunk }));
        Assert.Equal(RecordDecryptionFailure.MalformedEnvelope, await MetaFails(meta with { ChunkSize = 10 }));
    }

    // ---- rotation ------------------------------------------------------------------------------------------------

    [Fact]
    public async Task Rewrap_after_rotation_moves_the_key_to_the_new_version_and_the_old_ciphertext_still_decrypts()
    {
        var kek = await NewKekAsync();
        var cipher = new EnvelopeCipher(chunkSize: SmallChunk);
        var plaintext = Payloads.Fhir();
        var record = await cipher.EncryptAsync(plaintext, Payloads.Binding, kek, None);
        var (meta, blob) = await EncryptStreamAsync(cipher, Payloads.Large(3000), kek);
        var ciphertextBefore = record.Ciphertext.ToArray();
        var hashBefore = RecordHash.Of(record);

        var newVersion = await RotateAsync(kek);

        Assert.Equal("2", newVersion);
        Assert.Equal(newVersion, kek.CurrentVersion);
        Assert.True(Rewrap.NeedsRewrap(record.WrappedKey, kek.CurrentVersion));
        // Reads keep working before the rewrap reaches this record.
        Assert.Equal(plaintext, await cipher.DecryptAsync(record, Payloads.Binding, kek, None));

        var rewrapped = await Rewrap.ToCurrentVersionAsync(record.WrappedKey, kek, None);
        var rewrappedStream = await Rewrap.ToCurrentVersionAsync(meta.WrappedKey, kek, None);

        Assert.Equal((kek.KeyName, newVersion), (rewrapped.KeyName, rewrapped.KeyVersion));
        Assert.NotEqual(record.WrappedKey.Ciphertext, rewrapped.Ciphertext);
        Assert.False(Rewrap.NeedsRewrap(rewrapped, kek.CurrentVersion));
        Assert.Same(rewrapped, await Rewrap.ToCurrentVersionAsync(rewrapped, kek, None)); // resumable: a second pass is a no-op
        var moved = record with { WrappedKey = rewrapped };
        Assert.Equal(ciphertextBefore, moved.Ciphertext);
        Assert.Equal(hashBefore, RecordHash.Of(moved)); // the ledger anchor is unaffected by a rewrap
        Assert.Equal(plaintext, await cipher.DecryptAsync(moved, Payloads.Binding, kek, None));
        Assert.Equal(await DecryptStreamAsync(cipher, meta, blob, Payloads.Binding, kek),
            await DecryptStreamAsync(cipher, meta with { WrappedKey = rewrappedStream }, blob, Payloads.Binding, kek));
        Assert.Equal(newVersion, (await cipher.EncryptAsync(plaintext, Payloads.Binding, kek, None)).WrappedKey.KeyVersion);
    }

    [Fact]
    public async Task Rewrap_zeroes_the_clear_data_key_and_refuses_a_tampered_or_foreign_wrapped_key()
    {
        var inner = await NewKekAsync();
        var kek = new RecordingKek(inner);
        var record = await new EnvelopeCipher().EncryptAsync(Payloads.Fhir(), Payloads.Binding, kek, None);
        await RotateAsync(inner);

        await Rewrap.ToCurrentVersionAsync(record.WrappedKey, kek, None);

        Assert.Equal(2, kek.UnwrapCalls); // the unwrap, and the verification of the new wrapped key
        Assert.All(kek.UnwrapOutputArrays, array => Assert.True(Payloads.IsAllZero(array), "a clear data key was not zeroed"));
        await Assert.ThrowsAsync<KeyUnwrapException>(() =>
            Rewrap.ToCurrentVersionAsync(record.WrappedKey with { Ciphertext = Flip(record.WrappedKey.Ciphertext, 0) }, kek, None));
        await Assert.ThrowsAsync<ArgumentException>(() =>
            Rewrap.ToCurrentVersionAsync(record.WrappedKey with { KeyName = "another-kek" }, kek, None));
    }

    // ---- the data-key cache in the read path ----------------------------------------------------------------------

    [Fact]
    public async Task Reads_through_the_cache_unwrap_once_and_a_failed_read_evicts_the_key()
    {
        var kek = new RecordingKek(await NewKekAsync());
        using var cache = new DataKeyCache();
        var cipher = new EnvelopeCipher(cache, SmallChunk);
        var plaintext = Payloads.Fhir();
        var record = await cipher.EncryptAsync(plaintext, Payloads.Binding, kek, None);

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(plaintext, await cipher.DecryptAsync(record, Payloads.Binding, kek, None));
        }

        Assert.Equal(1, kek.UnwrapCalls);
        Assert.Equal(new DataKeyCacheStatistics(Hits: 2, Misses: 1, Evictions: 0, Expirations: 0, Count: 1), cache.GetStatistics());
        await Assert.ThrowsAsync<RecordDecryptionException>(() =>
            cipher.DecryptAsync(record with { Tag = Flip(record.Tag, 0) }, Payloads.Binding, kek, None));
        Assert.Equal(0, cache.Count);

        // A wrapped key swapped in from another record fails and is not cached under this record's name.
        var other = await cipher.EncryptAsync(plaintext, new RecordBinding("rec-0002", 1, "patient-pseudonym-42", RecordCategories.Observation), kek, None);
        await Assert.ThrowsAsync<RecordDecryptionException>(() =>
            cipher.DecryptAsync(record with { WrappedKey = other.WrappedKey }, Payloads.Binding, kek, None));
        Assert.Equal(0, cache.Count);
        Assert.Equal(plaintext, await cipher.DecryptAsync(record, Payloads.Binding, kek, None));
        Assert.Equal(1, cache.Count);
    }

    // ---- helpers -------------------------------------------------------------------------------------------------

    private static RecordBinding Change(RecordBinding b, string change) => change switch
    {
        "record id" => new RecordBinding(b.RecordId + "x", b.Version, b.PatientPseudonym, b.Category),
        "version" => new RecordBinding(b.RecordId, b.Version + 1, b.PatientPseudonym, b.Category),
        "patient" => new RecordBinding(b.RecordId, b.Version, b.PatientPseudonym + "x", b.Category),
        "category" => new RecordBinding(b.RecordId, b.Version, b.PatientPseudonym, RecordCategories.MentalHealth),
        _ => throw new ArgumentOutOfRangeException(nameof(change)),
    };

    protected static async Task<(EncryptedStreamRecord Meta, byte[] Blob)> EncryptStreamAsync(EnvelopeCipher cipher, byte[] plaintext,
        IKeyEncryptionKey kek, bool trickle = false)
    {
        using var source = trickle ? new TrickleStream(plaintext) : new MemoryStream(plaintext);
        using var destination = new MemoryStream();
        var meta = await cipher.EncryptStreamAsync(source, destination, Payloads.Binding, kek, None);
        return (meta, destination.ToArray());
    }

    protected static async Task<byte[]> DecryptStreamAsync(EnvelopeCipher cipher, EncryptedStreamRecord meta, byte[] blob, RecordBinding binding,
        IKeyEncryptionKey kek, bool trickle = false)
    {
        using var source = trickle ? new TrickleStream(blob) : new MemoryStream(blob);
        using var destination = new MemoryStream();
        await cipher.DecryptStreamAsync(meta, source, destination, binding, kek, None);
        return destination.ToArray();
    }

    private static byte[] Flip(byte[] bytes, int index)
    {
        var copy = bytes.ToArray();
        copy[index] ^= 0x01;
        return copy;
    }

    private static byte[] Swap(byte[] blob, int a, int b, int chunk)
    {
        var copy = blob.ToArray();
        blob.AsSpan(a * chunk, chunk).CopyTo(copy.AsSpan(b * chunk));
        blob.AsSpan(b * chunk, chunk).CopyTo(copy.AsSpan(a * chunk));
        return copy;
    }

    /// <summary>A stream that returns at most 100 bytes per read, like a slow network, to exercise read-ahead.</summary>
    private sealed class TrickleStream(byte[] data) : MemoryStream(data)
    {
        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, 100));

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, 100)], cancellationToken);
    }
}
