using System.Security.Cryptography;
using Microsoft.Extensions.Logging.Abstractions;
using Platform.Crypto;
using Platform.Crypto.Pkcs11;
using Platform.RecordVault.Tests.Infrastructure;
using Platform.Testing;

namespace Platform.RecordVault.Tests;

/// <summary>
/// The envelope contract with KEKs on a real SoftHSM2 token through PKCS#11 (wrap/unwrap with CKM_AES_KEY_WRAP_PAD on
/// the token). Fails, never skips, when SoftHSM2 is not installed.
/// </summary>
[Collection(SoftHsmCollection.Name)]
public sealed class SoftHsmEnvelopeCipherTests(SoftHsmFixture hsm) : EnvelopeCipherContract, IDisposable
{
    private readonly Pkcs11KeyProvider _provider = new(new Pkcs11KeyProviderOptions
    {
        LibraryPath = hsm.LibraryPath,
        TokenLabel = hsm.TokenLabel,
        UserPin = hsm.UserPin,
        KeyLabelPrefix = "vault-test-",
    }, NullLogger<Pkcs11KeyProvider>.Instance);

    // The token is shared by every test in the collection, so each KEK gets a name nobody else uses.
    protected override Task<IKeyEncryptionKey> NewKekAsync() =>
        _provider.GetKeyEncryptionKeyAsync("kek-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4)), None);

    protected override Task<string> RotateAsync(IKeyEncryptionKey kek) => _provider.RotateKeyEncryptionKeyAsync(kek.KeyName, None);

    [Fact]
    public async Task The_provider_really_is_the_softhsm_token()
    {
        Assert.Equal("Pkcs11", _provider.ProviderName);
        Assert.True(await _provider.IsAvailableAsync(None));
    }

    public void Dispose() => _provider.Dispose();
}
