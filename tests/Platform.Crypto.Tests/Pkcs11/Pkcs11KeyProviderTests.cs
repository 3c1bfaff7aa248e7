using System.Security.Cryptography;
using System.Text;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;
using Platform.Crypto.Jose;
using Platform.Crypto.Pkcs11;
using Platform.Crypto.Tests.Infrastructure;

using Platform.Testing;

namespace Platform.Crypto.Tests.Pkcs11;

[Collection(SoftHsmCollection.Name)]
public sealed class Pkcs11KeyProviderTests(SoftHsmFixture hsm)
{
    private static readonly CancellationToken None = CancellationToken.None;

    // Each test uses its own key names on the shared token, so tests never see each other's keys.
    private static string UniqueName(string prefix) => prefix + "-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(4)).ToLowerInvariant();

    private Pkcs11KeyProvider CreateProvider(string? tokenLabel = null, string? pin = null, TestLogger<Pkcs11KeyProvider>? logger = null) =>
        new(new Pkcs11KeyProviderOptions
        {
            LibraryPath = hsm.LibraryPath,
            TokenLabel = tokenLabel ?? hsm.TokenLabel,
            UserPin = pin ?? hsm.UserPin,
            KeyLabelPrefix = "test-",
        }, logger ?? new TestLogger<Pkcs11KeyProvider>());

    [Fact]
    public async Task Wrapped_data_key_unwraps_to_the_same_bytes()
    {
        using var provider = CreateProvider();
        var kek = await provider.GetKeyEncryptionKeyAsync(UniqueName("kek"), None);
        var dataKey = RandomNumberGenerator.GetBytes(32);

        var wrapped = await kek.WrapAsync(dataKey, None);

        Assert.Equal(kek.KeyName, wrapped.KeyName);
        Assert.Equal("1", wrapped.KeyVersion);
        Assert.Equal(KeyAlgorithms.Aes256KeyWrapPadded, wrapped.Algorithm);
        Assert.Equal(40, wrapped.Ciphertext.Length); // RFC 5649: 32 bytes + 8-byte integrity block
        Assert.False(wrapped.Ciphertext.AsSpan().IndexOf(dataKey.AsSpan(0, 16)) >= 0, "the clear key must not appear in the wrapped bytes");
        Assert.Equal(dataKey, await kek.UnwrapAsync(wrapped, None));
    }

    [Fact]
    public async Task Kek_is_a_token_object_that_is_sensitive_and_never_extractable()
    {
        using var provider = CreateProvider();
        var name = UniqueName("kek");
        await provider.GetKeyEncryptionKeyAsync(name, None);

        var attributes = provider.RunInSession(session =>
        {
            var f = session.Factories.ObjectAttributeFactory;
            // Templates in a using variable: Pkcs11Interop does not keep them alive during the call (see Pkcs11Template).
            using var template = new Pkcs11Template([f.Create(CKA.CKA_CLASS, CKO.CKO_SECRET_KEY), f.Create(CKA.CKA_LABEL, "test-" + name)]);
            var handles = session.FindAllObjects(template.Attributes);
            var handle = Assert.Single(handles);
            var read = session.GetAttributeValue(handle, [
                CKA.CKA_TOKEN, CKA.CKA_SENSITIVE, CKA.CKA_EXTRACTABLE, CKA.CKA_ALWAYS_SENSITIVE, CKA.CKA_NEVER_EXTRACTABLE,
                CKA.CKA_WRAP, CKA.CKA_UNWRAP, CKA.CKA_KEY_TYPE, CKA.CKA_VALUE_LEN, CKA.CKA_ID]);
            var value = session.GetAttributeValue(handle, [CKA.CKA_VALUE])[0];
            return (read, valueUnreadable: value.CannotBeRead);
        });

        var read = attributes.read;
        Assert.True(read[0].GetValueAsBool(), "CKA_TOKEN");
        Assert.True(read[1].GetValueAsBool(), "CKA_SENSITIVE");
        Assert.False(read[2].GetValueAsBool(), "CKA_EXTRACTABLE");
        Assert.True(read[3].GetValueAsBool(), "CKA_ALWAYS_SENSITIVE");
        Assert.True(read[4].GetValueAsBool(), "CKA_NEVER_EXTRACTABLE");
        Assert.True(read[5].GetValueAsBool(), "CKA_WRAP");
        Assert.True(read[6].GetValueAsBool(), "CKA_UNWRAP");
        Assert.Equal((ulong)CKK.CKK_AES, read[7].GetValueAsUlong());
        Assert.Equal(32UL, read[8].GetValueAsUlong());
        Assert.Equal("1", Encoding.ASCII.GetString(read[9].GetValueAsByteArray()));
        Assert.True(attributes.valueUnreadable, "CKA_VALUE of the KEK must not be readable");
    }

    [Fact]
    public async Task Tampered_wrapped_key_is_rejected()
    {
        using var provider = CreateProvider();
        var kek = await provider.GetKeyEncryptionKeyAsync(UniqueName("kek"), None);
        var wrapped = await kek.WrapAsync(RandomNumberGenerator.GetBytes(32), None);
        var tampered = wrapped.Ciphertext.ToArray();
        tampered[tampered.Length / 2] ^= 0x01;

        await Assert.ThrowsAsync<KeyUnwrapException>(() => kek.UnwrapAsync(wrapped with { Ciphertext = tampered }, None));
        await Assert.ThrowsAsync<KeyUnwrapException>(() => kek.UnwrapAsync(wrapped with { Ciphertext = wrapped.Ciphertext[..^8] }, None));
        await Assert.ThrowsAsync<KeyUnwrapException>(() => kek.UnwrapAsync(wrapped with { KeyVersion = "99" }, None));
        await Assert.ThrowsAsync<KeyUnwrapException>(() => kek.UnwrapAsync(wrapped with { KeyName = "another-kek" }, None));
    }

    [Fact]
    public async Task Key_wrapped_by_another_kek_is_rejected()
    {
        using var provider = CreateProvider();
        var first = await provider.GetKeyEncryptionKeyAsync(UniqueName("kek"), None);
        var second = await provider.GetKeyEncryptionKeyAsync(UniqueName("kek"), None);
        var wrapped = await first.WrapAsync(RandomNumberGenerator.GetBytes(32), None);

        // Same version number and algorithm, different key: only the RFC 5649 integrity check can tell.
        await Assert.ThrowsAsync<KeyUnwrapException>(() => second.UnwrapAsync(wrapped with { KeyName = second.KeyName }, None));
    }

    [Fact]
    public async Task After_rotation_old_wrapped_keys_still_unwrap_and_new_wraps_use_the_new_version()
    {
        var name = UniqueName("kek");
        var oldKey = RandomNumberGenerator.GetBytes(32);
        var newKey = RandomNumberGenerator.GetBytes(32);
        WrappedKey oldWrapped, newWrapped;
        using (var provider = CreateProvider())
        {
            var kek = await provider.GetKeyEncryptionKeyAsync(name, None);
            oldWrapped = await kek.WrapAsync(oldKey, None);

            var version = await provider.RotateKeyEncryptionKeyAsync(name, None);

            Assert.Equal("2", version);
            Assert.Equal("2", kek.CurrentVersion);
            newWrapped = await kek.WrapAsync(newKey, None);
            Assert.Equal("1", oldWrapped.KeyVersion);
            Assert.Equal("2", newWrapped.KeyVersion);
            Assert.Equal(oldKey, await kek.UnwrapAsync(oldWrapped, None));
            Assert.Equal(newKey, await kek.UnwrapAsync(newWrapped, None));
        }

        // A fresh provider (a restart) finds both versions on the token and picks the newest as current.
        using var restarted = CreateProvider();
        var again = await restarted.GetKeyEncryptionKeyAsync(name, None);
        Assert.Equal("2", again.CurrentVersion);
        Assert.Equal(oldKey, await again.UnwrapAsync(oldWrapped, None));
        Assert.Equal(newKey, await again.UnwrapAsync(newWrapped, None));
    }

    [Fact]
    public async Task Digest_signature_made_on_the_token_verifies_over_the_data()
    {
        using var provider = CreateProvider();
        var key = await provider.GetSigningKeyAsync(UniqueName("dig"), None);
        var data = Encoding.UTF8.GetBytes("header.payload");

        var signature = await key.SignDigestAsync(SHA256.HashData(data), None);

        Assert.True(Jwk.VerifyEs256(key.GetPublicJwk(), data, signature));
        await Assert.ThrowsAsync<ArgumentException>(() => key.SignDigestAsync(new byte[48], None));
    }

    [Fact]
    public async Task Rs256_key_is_generated_on_the_token_non_extractable_and_its_signature_verifies()
    {
        var name = UniqueName("rsa");
        var data = Encoding.UTF8.GetBytes("header.payload");
        using var provider = CreateProvider();
        var key = await provider.GetRsaSigningKeyAsync(name, None);

        var signature = await key.SignDigestAsync(SHA256.HashData(data), None);

        Assert.Equal(("RS256", $"{name}/1"), (key.Algorithm, key.KeyId));
        using var rsa = RSA.Create(key.PublicParameters);
        Assert.Equal(2048, rsa.KeySize);
        Assert.Equal(256, signature.Length);
        Assert.True(rsa.VerifyData(data, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        Assert.False(rsa.VerifyData(Encoding.UTF8.GetBytes("header.payloaD"), signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        var attributes = provider.RunInSession(session =>
        {
            var f = session.Factories.ObjectAttributeFactory;
            var handle = session.FindAllObjects([f.Create(CKA.CKA_CLASS, CKO.CKO_PRIVATE_KEY), f.Create(CKA.CKA_LABEL, provider.LabelFor(name))]).Single();
            var values = session.GetAttributeValue(handle, [CKA.CKA_SENSITIVE, CKA.CKA_EXTRACTABLE, CKA.CKA_KEY_TYPE]);
            return (values[0].GetValueAsBool(), values[1].GetValueAsBool(), values[2].GetValueAsUlong());
        });
        Assert.Equal((true, false, (ulong)CKK.CKK_RSA), attributes);
        await Assert.ThrowsAsync<ArgumentException>(() => key.SignDigestAsync(new byte[48], None));

        // The same key after a restart (a new provider on the same token).
        using var restarted = CreateProvider();
        var again = await restarted.GetRsaSigningKeyAsync(name, None);
        Assert.Equal(key.PublicParameters.Modulus, again.PublicParameters.Modulus);
    }

    [Fact]
    public async Task Es256_signature_verifies_with_the_public_jwk_and_fails_for_altered_data()
    {
        var name = UniqueName("sig");
        var data = Encoding.UTF8.GetBytes("""{"consent":"granted","patient":"p-1"}""");
        using var provider = CreateProvider();
        var key = await provider.GetSigningKeyAsync(name, None);

        var signature = await key.SignAsync(data, None);
        var jwk = key.GetPublicJwk();

        Assert.Equal(64, signature.Length);
        Assert.Equal("ES256", key.Algorithm);
        Assert.Equal($"{name}/1", key.KeyId);
        Assert.Equal(("EC", "P-256", "ES256", "sig", key.KeyId), (jwk.Kty, jwk.Crv, jwk.Alg, jwk.Use, jwk.Kid));
        Assert.True(Jwk.VerifyEs256(jwk, data, signature));
        var altered = data.ToArray();
        altered[5] ^= 0x20;
        Assert.False(Jwk.VerifyEs256(jwk, altered, signature));

        // The private half stays on the token: sensitive and never extractable.
        var (sensitive, extractable) = provider.RunInSession(session =>
        {
            var f = session.Factories.ObjectAttributeFactory;
            using var template = new Pkcs11Template([f.Create(CKA.CKA_CLASS, CKO.CKO_PRIVATE_KEY), f.Create(CKA.CKA_LABEL, "test-" + name)]);
            var handle = Assert.Single(session.FindAllObjects(template.Attributes));
            var read = session.GetAttributeValue(handle, [CKA.CKA_SENSITIVE, CKA.CKA_EXTRACTABLE]);
            return (read[0].GetValueAsBool(), read[1].GetValueAsBool());
        });
        Assert.True(sensitive);
        Assert.False(extractable);
    }

    [Fact]
    public async Task Signing_key_survives_a_restart()
    {
        var name = UniqueName("sig");
        P256Jwk first;
        using (var provider = CreateProvider())
        {
            first = (await provider.GetSigningKeyAsync(name, None)).GetPublicJwk();
        }
        using var restarted = CreateProvider();
        var key = await restarted.GetSigningKeyAsync(name, None);
        Assert.Equal(first, key.GetPublicJwk());
        var data = "checkpoint"u8.ToArray();
        Assert.True(Jwk.VerifyEs256(first, data, await key.SignAsync(data, None)));
    }

    [Fact]
    public async Task Token_wrap_mechanism_is_rfc5649_like_the_software_provider()
    {
        // Wrap under an extractable session AES key so .NET can compute the same RFC 5649 result: proves the
        // PKCS#11 and software providers produce one format.
        using var provider = CreateProvider();
        var kekBytes = RandomNumberGenerator.GetBytes(32);
        var dataKey = RandomNumberGenerator.GetBytes(32);
        var fromToken = provider.RunInSession(session =>
        {
            var f = session.Factories.ObjectAttributeFactory;
            using var kekTemplate = new Pkcs11Template([
                f.Create(CKA.CKA_CLASS, CKO.CKO_SECRET_KEY), f.Create(CKA.CKA_KEY_TYPE, CKK.CKK_AES), f.Create(CKA.CKA_TOKEN, false),
                f.Create(CKA.CKA_WRAP, true), f.Create(CKA.CKA_VALUE, kekBytes)]);
            using var dataTemplate = new Pkcs11Template([
                f.Create(CKA.CKA_CLASS, CKO.CKO_SECRET_KEY), f.Create(CKA.CKA_KEY_TYPE, CKK.CKK_GENERIC_SECRET), f.Create(CKA.CKA_TOKEN, false),
                f.Create(CKA.CKA_EXTRACTABLE, true), f.Create(CKA.CKA_SENSITIVE, false), f.Create(CKA.CKA_VALUE, dataKey)]);
            var kek = session.CreateObject(kekTemplate.Attributes);
            var data = session.CreateObject(dataTemplate.Attributes);
            using var mechanism = session.Factories.MechanismFactory.Create(CKM.CKM_AES_KEY_WRAP_PAD);
            return session.WrapKey(mechanism, kek, data);
        });
        using var aes = Aes.Create();
        aes.Key = kekBytes;
        Assert.Equal(aes.EncryptKeyWrapPadded(dataKey), fromToken);
    }

    [Fact]
    public async Task Concurrent_wraps_and_unwraps_succeed()
    {
        using var provider = CreateProvider();
        var kek = await provider.GetKeyEncryptionKeyAsync(UniqueName("kek"), None);
        var results = await Task.WhenAll(Enumerable.Range(0, 24).Select(_ => Task.Run(async () =>
        {
            var dataKey = RandomNumberGenerator.GetBytes(32);
            var unwrapped = await kek.UnwrapAsync(await kek.WrapAsync(dataKey, None), None);
            return dataKey.AsSpan().SequenceEqual(unwrapped);
        })));
        Assert.All(results, Assert.True);
    }

    [Fact]
    public async Task Provider_is_available_when_logged_in()
    {
        using var provider = CreateProvider();
        Assert.True(await provider.IsAvailableAsync(None));
        var health = await new KeyProviderHealthCheck(provider).CheckHealthAsync(new(), None);
        Assert.Equal(Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy, health.Status);
    }

    [Fact]
    public async Task Unknown_token_label_fails_with_a_clear_error()
    {
        using var provider = CreateProvider(tokenLabel: "no-such-token");

        var error = await Assert.ThrowsAsync<KeyProviderException>(() => provider.GetKeyEncryptionKeyAsync("kek", None));

        Assert.Contains("No PKCS#11 token labelled 'no-such-token'", error.Message, StringComparison.Ordinal);
        Assert.Contains(hsm.TokenLabel, error.Message, StringComparison.Ordinal); // lists what is there
        Assert.False(await provider.IsAvailableAsync(None));
    }

    [Fact]
    public async Task Wrong_pin_fails_with_a_clear_error_that_does_not_contain_the_pin()
    {
        const string wrongPin = "wrong-pin-73519";
        var logger = new TestLogger<Pkcs11KeyProvider>();
        using var provider = CreateProvider(pin: wrongPin, logger: logger);

        var error = await Assert.ThrowsAsync<KeyProviderException>(() => provider.GetKeyEncryptionKeyAsync("kek", None));

        Assert.Contains("rejected", error.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(CKR.CKR_PIN_INCORRECT), error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(wrongPin, error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(hsm.UserPin, error.ToString(), StringComparison.Ordinal);
        // Not retried (HSMs lock the user after a few wrong PINs): the health check reports the same failure.
        Assert.False(await provider.IsAvailableAsync(None));
        var again = await Assert.ThrowsAsync<KeyProviderException>(() => provider.GetSigningKeyAsync("sig", None));
        Assert.Same(error, again);
        Assert.DoesNotContain(wrongPin, logger.AllText, StringComparison.Ordinal);
    }
}
