using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;
using Platform.Crypto.Pkcs11;
using Platform.Crypto.Tests.Infrastructure;
using Platform.Testing;

namespace Platform.Crypto.Tests.Pkcs11;

/// <summary>
/// How the PKCS#11 provider retries and classifies token failures. SoftHSM fails valid calls only now and then under
/// concurrency, so the failures are injected here (<see cref="SessionFault"/>) to make every path deterministic.
/// Rule: a transient failure is retried in a fresh session; only a refusal of the wrapped key that repeats in every
/// attempt is a bad wrapped key (<see cref="KeyUnwrapException"/>); anything else left over is a
/// <see cref="KeyProviderException"/>.
/// </summary>
[Collection(SoftHsmCollection.Name)]
public sealed class Pkcs11RetryTests(SoftHsmFixture hsm)
{
    private static readonly CancellationToken None = CancellationToken.None;
    private const int Always = int.MaxValue;

    private readonly TestLogger<Pkcs11KeyProvider> _logger = new();

    private static string UniqueName(string prefix) => prefix + "-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(4)).ToLowerInvariant();

    private Pkcs11KeyProvider CreateProvider() => new(new Pkcs11KeyProviderOptions
    {
        LibraryPath = hsm.LibraryPath,
        TokenLabel = hsm.TokenLabel,
        UserPin = hsm.UserPin,
        KeyLabelPrefix = "test-",
    }, _logger);

    private int Retries => _logger.Entries.Count(e => e.Level == LogLevel.Warning && e.Message.Contains("retrying", StringComparison.Ordinal));

    /// <summary>A KEK and a key wrapped by it, made before any fault is injected.</summary>
    private static async Task<(IKeyEncryptionKey Kek, byte[] DataKey, WrappedKey Wrapped)> WrappedKeyAsync(Pkcs11KeyProvider provider)
    {
        var kek = await provider.GetKeyEncryptionKeyAsync(UniqueName("kek"), None);
        var dataKey = RandomNumberGenerator.GetBytes(32);
        return (kek, dataKey, await kek.WrapAsync(dataKey, None));
    }

    private static object? Throw(Exception ex) => throw ex;

    [Theory]
    [InlineData(CKR.CKR_ATTRIBUTE_VALUE_INVALID, 1)]
    [InlineData(CKR.CKR_GENERAL_ERROR, 2)] // what SoftHSM also answers for a failed RFC 5649 check
    public async Task A_refused_unwrap_that_does_not_repeat_is_retried_and_gives_the_key(CKR refusal, int times)
    {
        using var provider = CreateProvider();
        var (kek, dataKey, wrapped) = await WrappedKeyAsync(provider);
        var fault = new SessionFault("UnwrapKey", times, _ => Throw(new Pkcs11Exception("C_UnwrapKey", refusal)));
        provider.Token.InterceptSession = fault.Intercept;

        Assert.Equal(dataKey, await kek.UnwrapAsync(wrapped, None));
        Assert.Equal(times + 1, fault.Calls);
        Assert.Equal(times, Retries);
        Assert.Contains($"attempt 1 failed (C_UnwrapKey {refusal})", _logger.AllText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_kek_not_found_once_is_looked_up_again()
    {
        using var provider = CreateProvider();
        var (kek, dataKey, wrapped) = await WrappedKeyAsync(provider);
        var fault = new SessionFault("FindAllObjects", 1, _ => new List<IObjectHandle>());
        provider.Token.InterceptSession = fault.Intercept;

        Assert.Equal(dataKey, await kek.UnwrapAsync(wrapped, None));
        Assert.Equal(2, fault.Calls);
        Assert.Equal(1, Retries);
    }

    [Fact]
    public async Task An_unreadable_value_is_retried_and_if_it_stays_unreadable_is_a_provider_error_not_a_pkcs11interop_one()
    {
        using var provider = CreateProvider();
        var (kek, dataKey, wrapped) = await WrappedKeyAsync(provider);

        var once = new SessionFault("GetAttributeValue", 1, _ => Throw(new AttributeValueException(CKA.CKA_VALUE)));
        provider.Token.InterceptSession = once.Intercept;
        Assert.Equal(dataKey, await kek.UnwrapAsync(wrapped, None));

        var always = new SessionFault("GetAttributeValue", Always, _ => Throw(new AttributeValueException(CKA.CKA_VALUE)));
        provider.Token.InterceptSession = always.Intercept;
        var error = await Assert.ThrowsAsync<KeyProviderException>(() => kek.UnwrapAsync(wrapped, None));
        Assert.IsType<AttributeValueException>(error.InnerException);
        Assert.Equal(Pkcs11Token.Attempts, always.Calls);
        Assert.Contains("failed 3 times", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_token_error_in_every_attempt_is_a_provider_error_not_a_bad_wrapped_key()
    {
        using var provider = CreateProvider();
        var (kek, _, wrapped) = await WrappedKeyAsync(provider);
        var fault = new SessionFault("FindAllObjects", Always, _ => Throw(new Pkcs11Exception("C_FindObjectsInit", CKR.CKR_GENERAL_ERROR)));
        provider.Token.InterceptSession = fault.Intercept;

        var error = await Assert.ThrowsAsync<KeyProviderException>(() => kek.UnwrapAsync(wrapped, None));

        Assert.Contains("C_FindObjectsInit CKR_GENERAL_ERROR", error.Message, StringComparison.Ordinal);
        Assert.Equal(Pkcs11Token.Attempts, fault.Calls);
    }

    [Fact]
    public async Task A_corrupted_wrapped_key_is_refused_in_every_attempt_and_is_a_bad_wrapped_key()
    {
        using var provider = CreateProvider();
        var (kek, _, wrapped) = await WrappedKeyAsync(provider);
        var corrupted = wrapped.Ciphertext.ToArray();
        corrupted[3] ^= 0x40;
        var calls = new SessionFault("UnwrapKey", 0, _ => null); // counts only
        provider.Token.InterceptSession = calls.Intercept;

        var error = await Assert.ThrowsAsync<KeyUnwrapException>(() => kek.UnwrapAsync(wrapped with { Ciphertext = corrupted }, None));

        Assert.Equal(Pkcs11Token.Attempts, calls.Calls);
        Assert.Contains("refused 3 times", error.Message, StringComparison.Ordinal);
        Assert.IsType<Pkcs11Exception>(error.InnerException);
    }

    [Fact]
    public async Task An_unknown_kek_version_is_looked_for_in_every_attempt_and_then_named()
    {
        using var provider = CreateProvider();
        var (kek, _, wrapped) = await WrappedKeyAsync(provider);
        var finds = new SessionFault("FindAllObjects", 0, _ => null); // counts only
        provider.Token.InterceptSession = finds.Intercept;

        var error = await Assert.ThrowsAsync<KeyUnwrapException>(() => kek.UnwrapAsync(wrapped with { KeyVersion = "99" }, None));

        Assert.Contains("has no version 99 on token", error.Message, StringComparison.Ordinal);
        Assert.Equal(Pkcs11Token.Attempts, finds.Calls);
    }

    [Fact]
    public async Task A_wrap_that_does_not_unwrap_to_the_same_key_is_done_again()
    {
        using var provider = CreateProvider();
        var kek = await provider.GetKeyEncryptionKeyAsync(UniqueName("kek"), None);
        var dataKey = RandomNumberGenerator.GetBytes(32);
        // As if the module had wrapped under a garbled KEK value: the result would never unwrap again.
        var fault = new SessionFault("WrapKey", 1, proceed =>
        {
            var wrapped = (byte[])proceed()!;
            wrapped[^1] ^= 0x01;
            return wrapped;
        });
        provider.Token.InterceptSession = fault.Intercept;

        var result = await kek.WrapAsync(dataKey, None);

        Assert.Equal(2, fault.Calls);
        Assert.Equal(1, Retries);
        provider.Token.InterceptSession = null;
        Assert.Equal(dataKey, await kek.UnwrapAsync(result, None));
    }

    [Fact]
    public async Task A_wrap_that_keeps_failing_is_a_provider_error()
    {
        using var provider = CreateProvider();
        var kek = await provider.GetKeyEncryptionKeyAsync(UniqueName("kek"), None);
        var fault = new SessionFault("WrapKey", Always, _ => Throw(new Pkcs11Exception("C_WrapKey", CKR.CKR_GENERAL_ERROR)));
        provider.Token.InterceptSession = fault.Intercept;

        var error = await Assert.ThrowsAsync<KeyProviderException>(() => kek.WrapAsync(RandomNumberGenerator.GetBytes(32), None));

        Assert.Contains("C_WrapKey CKR_GENERAL_ERROR", error.Message, StringComparison.Ordinal);
        Assert.Equal(Pkcs11Token.Attempts, fault.Calls);
    }

    [Fact]
    public async Task A_signature_that_does_not_verify_or_a_signing_key_not_found_is_retried()
    {
        using var provider = CreateProvider();
        var key = await provider.GetSigningKeyAsync(UniqueName("sig"), None);
        var data = "checkpoint"u8.ToArray();

        var garbled = new SessionFault("Sign", 1, proceed =>
        {
            var signature = (byte[])proceed()!;
            signature[10] ^= 0x01;
            return signature;
        });
        provider.Token.InterceptSession = garbled.Intercept;
        Assert.True(Jwk.VerifyEs256(key.GetPublicJwk(), data, await key.SignAsync(data, None)));
        Assert.Equal(2, garbled.Calls);

        // A key not yet used: its handle is looked up on the first signature (later ones reuse it).
        var unused = await provider.GetSigningKeyAsync(UniqueName("sig"), None);
        var notFound = new SessionFault("FindAllObjects", 1, _ => new List<IObjectHandle>());
        provider.Token.InterceptSession = notFound.Intercept;
        Assert.True(Jwk.VerifyEs256(unused.GetPublicJwk(), data, await unused.SignAsync(data, None)));
        Assert.Equal(2, notFound.Calls);
        Assert.Equal(2, Retries);
    }

    [Fact]
    public async Task The_signing_key_is_looked_up_once_and_again_after_a_failed_attempt()
    {
        using var provider = CreateProvider();
        var key = await provider.GetSigningKeyAsync(UniqueName("sig"), None);
        var data = "access event"u8.ToArray();
        var finds = new SessionFault("FindAllObjects", 0, _ => null); // counts only
        provider.Token.InterceptSession = finds.Intercept;

        for (var i = 0; i < 5; i++)
        {
            Assert.True(Jwk.VerifyEs256(key.GetPublicJwk(), data, await key.SignAsync(data, None)));
        }
        Assert.Equal(1, finds.Calls);

        // As if the cached handle had gone stale (the key destroyed, the token reconnected): the failed attempt drops
        // it, and the retry finds the key again before it signs.
        var stale = new SessionFault("Sign", 1, _ => Throw(new Pkcs11Exception("C_Sign", CKR.CKR_KEY_HANDLE_INVALID)));
        provider.Token.InterceptSession = session => finds.Intercept(stale.Intercept(session));
        Assert.True(Jwk.VerifyEs256(key.GetPublicJwk(), data, await key.SignAsync(data, None)));
        Assert.Equal(2, stale.Calls);
        Assert.Equal(2, finds.Calls);
        Assert.Equal(1, Retries);
    }

    [Fact]
    public async Task A_signing_failure_in_every_attempt_is_a_provider_error()
    {
        using var provider = CreateProvider();
        var key = await provider.GetSigningKeyAsync(UniqueName("sig"), None);
        var notFound = new SessionFault("FindAllObjects", Always, _ => new List<IObjectHandle>());
        provider.Token.InterceptSession = notFound.Intercept;

        var error = await Assert.ThrowsAsync<KeyProviderException>(() => key.SignAsync("x"u8.ToArray(), None));

        Assert.Contains("was not found on token", error.Message, StringComparison.Ordinal);
        Assert.Equal(Pkcs11Token.Attempts, notFound.Calls);
    }
}
