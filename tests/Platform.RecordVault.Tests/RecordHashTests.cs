using System.Text;
using Platform.Crypto;
using Platform.RecordVault.Core;

namespace Platform.RecordVault.Tests;

public sealed class RecordHashTests
{
    private const string AbcSha256 = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"; // FIPS 180-2 example

    [Fact]
    public async Task Hashes_are_lowercase_hex_sha256_for_spans_and_streams()
    {
        var abc = Encoding.ASCII.GetBytes("abc");

        Assert.Equal(AbcSha256, RecordHash.Of(abc));
        Assert.Equal(AbcSha256, RecordHash.OfStream(new MemoryStream(abc)));
        Assert.Equal(AbcSha256, await RecordHash.OfStreamAsync(new MemoryStream(abc), CancellationToken.None));
        Assert.True(RecordHash.IsWellFormed(AbcSha256));
        Assert.False(RecordHash.IsWellFormed(AbcSha256.ToUpperInvariant()));
        Assert.False(RecordHash.IsWellFormed(AbcSha256[..63]));
    }

    [Fact]
    public void A_single_shot_record_hashes_its_ciphertext_followed_by_its_tag()
    {
        var record = new EncryptedRecord(EnvelopeFormat.SingleShot, new WrappedKey("k", "1", KeyAlgorithms.Aes256KeyWrapPadded, [1, 2]),
            Nonce: new byte[12], Tag: Encoding.ASCII.GetBytes("c"), Ciphertext: Encoding.ASCII.GetBytes("ab"));

        Assert.Equal(AbcSha256, RecordHash.Of(record));
        Assert.Equal(AbcSha256, RecordHash.Of(record with { Nonce = [9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9], WrappedKey = record.WrappedKey with { KeyVersion = "2" } }));
    }
}
