using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Platform.Crypto.Jose;
using Platform.Crypto.Software;
using Platform.Crypto.Tests.Infrastructure;

namespace Platform.Crypto.Tests.Software;

public sealed class SoftwareKeyProviderTests : IDisposable
{
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "software-keys-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private SoftwareKeyProvider CreateProvider(TestLogger<SoftwareKeyProvider>? logger = null) =>
        new(new SoftwareKeyProviderOptions { KeyDirectory = _directory }, logger ?? new TestLogger<SoftwareKeyProvider>());

    [Fact]
    public void Creating_the_provider_warns_that_it_is_not_an_hsm()
    {
        var logger = new TestLogger<SoftwareKeyProvider>();
        using var provider = CreateProvider(logger);

        var warning = Assert.Single(logger.Entries, e => e.Level == LogLevel.Warning);
        Assert.Contains("NOT an HSM", warning.Message, StringComparison.Ordinal);
        Assert.Contains("development only", warning.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(provider.KeyDirectory, warning.Message, StringComparison.Ordinal);
        Assert.True(Directory.Exists(_directory), "the key directory is created when missing");
    }

    [Fact]
    public async Task Wrapped_data_key_unwraps_to_the_same_bytes()
    {
        using var provider = CreateProvider();
        var kek = await provider.GetKeyEncryptionKeyAsync("record-kek", None);
        var dataKey = RandomNumberGenerator.GetBytes(32);

        var wrapped = await kek.WrapAsync(dataKey, None);

        Assert.Equal(("record-kek", "1", KeyAlgorithms.Aes256KeyWrapPadded), (wrapped.KeyName, wrapped.KeyVersion, wrapped.Algorithm));
        Assert.Equal(40, wrapped.Ciphertext.Length);
        Assert.Equal(dataKey, await kek.UnwrapAsync(wrapped, None));
    }

    [Fact]
    public async Task Tampered_or_mismatched_wrapped_keys_are_rejected()
    {
        using var provider = CreateProvider();
        var kek = await provider.GetKeyEncryptionKeyAsync("record-kek", None);
        var other = await provider.GetKeyEncryptionKeyAsync("other-kek", None);
        var wrapped = await kek.WrapAsync(RandomNumberGenerator.GetBytes(32), None);
        var tampered = wrapped.Ciphertext.ToArray();
        tampered[^1] ^= 0x80;

        await Assert.ThrowsAsync<KeyUnwrapException>(() => kek.UnwrapAsync(wrapped with { Ciphertext = tampered }, None));
        await Assert.ThrowsAsync<KeyUnwrapException>(() => kek.UnwrapAsync(wrapped with { KeyVersion = "7" }, None));
        await Assert.ThrowsAsync<KeyUnwrapException>(() => kek.UnwrapAsync(wrapped with { KeyVersion = "../1" }, None));
        await Assert.ThrowsAsync<KeyUnwrapException>(() => kek.UnwrapAsync(wrapped with { Algorithm = KeyAlgorithms.RsaOaep256 }, None));
        // Another KEK cannot unwrap it even when the name is forged to match: the integrity check fails.
        await Assert.ThrowsAsync<KeyUnwrapException>(() => other.UnwrapAsync(wrapped with { KeyName = "other-kek" }, None));
    }

    [Fact]
    public async Task Keys_persist_across_provider_instances_on_the_same_directory()
    {
        var dataKey = RandomNumberGenerator.GetBytes(32);
        WrappedKey wrapped;
        P256Jwk jwk;
        using (var first = CreateProvider())
        {
            wrapped = await (await first.GetKeyEncryptionKeyAsync("record-kek", None)).WrapAsync(dataKey, None);
            jwk = (await first.GetSigningKeyAsync("consent-signing", None)).GetPublicJwk();
        }

        using var second = CreateProvider();
        Assert.Equal(dataKey, await (await second.GetKeyEncryptionKeyAsync("record-kek", None)).UnwrapAsync(wrapped, None));
        Assert.Equal(jwk, (await second.GetSigningKeyAsync("consent-signing", None)).GetPublicJwk());

        var kekFile = Path.Combine(_directory, "kek", "record-kek", "1.key");
        Assert.Equal(32, new FileInfo(kekFile).Length);
        using var pkcs8 = ECDsa.Create();
        pkcs8.ImportPkcs8PrivateKey(File.ReadAllBytes(Path.Combine(_directory, "signing", "consent-signing", "1.p8")), out _);
        Assert.Equal(256, pkcs8.KeySize);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(kekFile));
        }
    }

    [Fact]
    public async Task After_rotation_old_wrapped_keys_still_unwrap_and_new_wraps_use_the_new_version()
    {
        var oldKey = RandomNumberGenerator.GetBytes(32);
        var newKey = RandomNumberGenerator.GetBytes(16);
        using var provider = CreateProvider();
        var kek = await provider.GetKeyEncryptionKeyAsync("record-kek", None);
        var oldWrapped = await kek.WrapAsync(oldKey, None);

        Assert.Equal("2", await provider.RotateKeyEncryptionKeyAsync("record-kek", None));
        var newWrapped = await kek.WrapAsync(newKey, None);

        Assert.Equal(("1", "2"), (oldWrapped.KeyVersion, newWrapped.KeyVersion));
        Assert.Equal(oldKey, await kek.UnwrapAsync(oldWrapped, None));
        Assert.Equal(newKey, await kek.UnwrapAsync(newWrapped, None));
        Assert.Equal("3", await provider.RotateKeyEncryptionKeyAsync("record-kek", None));

        using var restarted = CreateProvider();
        var again = await restarted.GetKeyEncryptionKeyAsync("record-kek", None);
        Assert.Equal("3", again.CurrentVersion);
        Assert.Equal(oldKey, await again.UnwrapAsync(oldWrapped, None));
    }

    [Fact]
    public async Task Rs256_key_is_rsa_2048_survives_a_restart_and_its_signature_verifies()
    {
        using var provider = CreateProvider();
        var key = await provider.GetRsaSigningKeyAsync("oidc-signing-rsa-1", None);
        var data = Encoding.UTF8.GetBytes("header.payload");

        var signature = await key.SignDigestAsync(SHA256.HashData(data), None);

        Assert.Equal(("RS256", "oidc-signing-rsa-1/1"), (key.Algorithm, key.KeyId));
        Assert.Null(key.PublicParameters.D);
        using var rsa = RSA.Create(key.PublicParameters);
        Assert.Equal(2048, rsa.KeySize);
        Assert.True(rsa.VerifyData(data, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        Assert.False(rsa.VerifyData(Encoding.UTF8.GetBytes("header.payloaD"), signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        await Assert.ThrowsAsync<ArgumentException>(() => key.SignDigestAsync(new byte[20], None));
        using var restarted = CreateProvider();
        Assert.Equal(key.PublicParameters.Modulus, (await restarted.GetRsaSigningKeyAsync("oidc-signing-rsa-1", None)).PublicParameters.Modulus);
        // An ES256 key's file is not an RSA key: asking for it as one is refused, not misused.
        await provider.GetSigningKeyAsync("consent-signing", None);
        await Assert.ThrowsAsync<KeyProviderException>(() => restarted.GetRsaSigningKeyAsync("consent-signing", None));
    }

    [Fact]
    public async Task Es256_signature_verifies_with_the_public_jwk_and_fails_for_altered_data()
    {
        using var provider = CreateProvider();
        var key = await provider.GetSigningKeyAsync("consent-signing", None);
        var data = Encoding.UTF8.GetBytes("consent-event-42");

        var signature = await key.SignAsync(data, None);

        Assert.Equal(64, signature.Length);
        Assert.Equal("consent-signing/1", key.KeyId);
        Assert.Equal(key.KeyId, key.GetPublicJwk().Kid);
        Assert.True(Jwk.VerifyEs256(key.GetPublicJwk(), data, signature));
        Assert.False(Jwk.VerifyEs256(key.GetPublicJwk(), Encoding.UTF8.GetBytes("consent-event-43"), signature));
        // P256Jwk.ToECParameters gives the same verifier.
        using var ecdsa = ECDsa.Create(key.GetPublicJwk().ToECParameters());
        Assert.True(ecdsa.VerifyData(data, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
    }

    [Fact]
    public async Task Concurrent_signatures_all_verify()
    {
        // The key signs on one ECDsa per core (issue 18): every signature made at once must still be valid.
        using var provider = CreateProvider();
        var key = await provider.GetSigningKeyAsync("oidc-signing", None);
        var signed = await Task.WhenAll(Enumerable.Range(0, 8).Select(thread => Task.Run(async () =>
        {
            var results = new List<(byte[] Data, byte[] Signature)>();
            for (var i = 0; i < 100; i++)
            {
                var data = Encoding.UTF8.GetBytes($"token-{thread}-{i}");
                results.Add((data, await key.SignAsync(data, None)));
            }
            return results;
        })));

        var all = signed.SelectMany(r => r).ToList();
        Assert.Equal(800, all.Count);
        Assert.All(all, s => Assert.True(Jwk.VerifyEs256(key.GetPublicJwk(), s.Data, s.Signature)));
    }

    [Fact]
    public async Task Digest_signature_verifies_over_the_data_and_a_wrong_size_digest_is_refused()
    {
        using var provider = CreateProvider();
        var key = await provider.GetSigningKeyAsync("oidc-signing", None);
        var data = Encoding.UTF8.GetBytes("header.payload");

        var signature = await key.SignDigestAsync(SHA256.HashData(data), None);

        Assert.True(Jwk.VerifyEs256(key.GetPublicJwk(), data, signature));
        await Assert.ThrowsAsync<ArgumentException>(() => key.SignDigestAsync(new byte[20], None));
    }

    [Fact]
    public async Task Invalid_key_names_are_rejected_before_touching_the_disk()
    {
        using var provider = CreateProvider();
        await Assert.ThrowsAsync<ArgumentException>(() => provider.GetKeyEncryptionKeyAsync("../escape", None));
        await Assert.ThrowsAsync<ArgumentException>(() => provider.GetSigningKeyAsync("a/b", None));
        Assert.False(Directory.Exists(Path.Combine(_directory, "escape")));
        Assert.True(await provider.IsAvailableAsync(None));
    }
}
