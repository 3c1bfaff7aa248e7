using System.Security.Cryptography;
using Platform.Crypto.Envelopes;
using Platform.Crypto.Software;
using Platform.Crypto.Tests.Infrastructure;

namespace Platform.Crypto.Tests.Envelopes;

/// <summary>The shared envelope over the software KEK (the vault's envelope tests run it over SoftHSM2 too).</summary>
public sealed class DataKeyEnvelopeTests : IDisposable
{
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "envelope-keys-" + Guid.NewGuid().ToString("N"));
    private readonly SoftwareKeyProvider _provider;

    public DataKeyEnvelopeTests() =>
        _provider = new(new SoftwareKeyProviderOptions { KeyDirectory = _directory }, new TestLogger<SoftwareKeyProvider>());

    public void Dispose()
    {
        _provider.Dispose();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private static byte[] Aad(string id) => new AssociatedDataWriter("test.aad"u8).Byte(1).Text(id).ToArray();

    [Fact]
    public async Task Seals_under_a_wrapped_fresh_key_and_opens_with_the_same_associated_data()
    {
        var kek = await _provider.GetKeyEncryptionKeyAsync("envelope-kek", None);
        var plaintext = "evidence"u8.ToArray();

        var first = await DataKeyEnvelope.SealAsync(plaintext, Aad("a"), kek, None);
        var second = await DataKeyEnvelope.SealAsync(plaintext, Aad("a"), kek, None);

        Assert.Equal("envelope-kek", first.WrappedKey.KeyName);
        Assert.Equal(DataKeyEnvelope.NonceSize, first.Nonce.Length);
        Assert.Equal(DataKeyEnvelope.TagSize, first.Tag.Length);
        Assert.NotEqual(plaintext, first.Ciphertext);
        Assert.NotEqual(first.WrappedKey.Ciphertext, second.WrappedKey.Ciphertext);
        Assert.Equal(plaintext, await DataKeyEnvelope.OpenAsync(first, Aad("a"), kek, None));
    }

    [Fact]
    public async Task Other_associated_data_or_an_altered_byte_fails_authentication()
    {
        var kek = await _provider.GetKeyEncryptionKeyAsync("envelope-kek", None);
        var sealedEnvelope = await DataKeyEnvelope.SealAsync("evidence"u8.ToArray(), Aad("a"), kek, None);

        await Assert.ThrowsAsync<AuthenticationTagMismatchException>(() => DataKeyEnvelope.OpenAsync(sealedEnvelope, Aad("b"), kek, None));
        var altered = (byte[])sealedEnvelope.Ciphertext.Clone();
        altered[0] ^= 1;
        await Assert.ThrowsAsync<AuthenticationTagMismatchException>(
            () => DataKeyEnvelope.OpenAsync(sealedEnvelope with { Ciphertext = altered }, Aad("a"), kek, None));
    }

    [Fact]
    public async Task Another_keks_wrapped_key_is_refused()
    {
        var kek = await _provider.GetKeyEncryptionKeyAsync("envelope-kek", None);
        var other = await _provider.GetKeyEncryptionKeyAsync("other-kek", None);
        var sealedEnvelope = await DataKeyEnvelope.SealAsync("evidence"u8.ToArray(), Aad("a"), other, None);

        await Assert.ThrowsAsync<KeyUnwrapException>(() => DataKeyEnvelope.OpenAsync(sealedEnvelope, Aad("a"), kek, None));
    }
}
