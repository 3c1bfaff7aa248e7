using System.Security.Cryptography;
using Microsoft.Extensions.Logging.Abstractions;
using Platform.Crypto;
using Platform.Crypto.Jose;
using Platform.Crypto.Software;

namespace Platform.Identity.Credentials.Tests;

/// <summary>
/// An issuer signing key from the platform's software key provider (a temp key directory), its metadata, and a
/// holder wallet key. One per test class.
/// </summary>
public sealed class IssuerFixture : IAsyncLifetime
{
    public const string IssuerId = "https://identity.example.test/issuer";

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "sd-jwt-keys-" + Guid.NewGuid().ToString("N"));
    private SoftwareKeyProvider? _provider;

    public ISigningKey SigningKey { get; private set; } = null!;

    public JwtVcIssuerMetadata Metadata { get; private set; } = null!;

    public ECDsa HolderKey { get; } = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public P256Jwk HolderJwk => P256Jwk.FromECDsa(HolderKey);

    public Es256Signer HolderSigner => Es256Signers.FromECDsa(HolderKey);

    public async Task InitializeAsync()
    {
        _provider = new SoftwareKeyProvider(new SoftwareKeyProviderOptions { KeyDirectory = _directory },
            NullLogger<SoftwareKeyProvider>.Instance);
        SigningKey = await _provider.GetSigningKeyAsync("vc-issuer", CancellationToken.None);
        Metadata = new JwtVcIssuerMetadata(IssuerId, [SigningKey.GetPublicJwk()]);
    }

    public Task DisposeAsync()
    {
        _provider?.Dispose();
        HolderKey.Dispose();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
        return Task.CompletedTask;
    }
}
