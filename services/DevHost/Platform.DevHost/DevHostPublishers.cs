using Microsoft.Extensions.Logging.Abstractions;
using Platform.Consent.Consents;
using Platform.Crypto;
using Platform.Crypto.Jose;
using Platform.Crypto.Software;
using Platform.Ledger.Node;
using Platform.RecordVault.Access;

namespace Platform.DevHost;

/// <summary>
/// Tells the dev host's ledger which keys may sign events: the consent service's and the record vault's
/// event-signing keys, created in each service's own key folder before anything starts. A deployment lists the same thing under
/// <c>Ledger:Publishers</c> (the public JWK exported from the HSM or Key Vault).
/// </summary>
public static class DevHostPublishers
{
    public static async Task<Dictionary<string, string?>> LedgerSettingsAsync(DevHostOptions options, CancellationToken cancellationToken)
    {
        var settings = PublisherSettings.For(0, "consent", await PublicKeyAsync(options, "consent", ConsentEventSigner.KeyName, cancellationToken));
        foreach (var (key, value) in PublisherSettings.For(1, "record-vault", await PublicKeyAsync(options, "record-vault", AccessAudit.KeyName, cancellationToken)))
        {
            settings[key] = value;
        }
        return settings;
    }

    /// <summary>Creates (first run) or loads a service's event-signing key in that service's own key folder.</summary>
    private static async Task<P256Jwk> PublicKeyAsync(DevHostOptions options, string service, string keyName, CancellationToken cancellationToken)
    {
        using var keys = new SoftwareKeyProvider(
            new SoftwareKeyProviderOptions { KeyDirectory = DevHostRunner.KeyDirectory(options, service) },
            NullLogger<SoftwareKeyProvider>.Instance);
        return (await keys.GetSigningKeyAsync(keyName, cancellationToken)).GetPublicJwk();
    }
}
