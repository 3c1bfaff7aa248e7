using Microsoft.Extensions.Logging.Abstractions;
using Platform.Consent.Consents;
using Platform.Crypto.Software;
using Platform.Ledger.Node;

namespace Platform.DevHost;

/// <summary>
/// Tells the dev host's ledger which keys may sign events: the consent service's event-signing key, created in
/// the consent service's own key folder before anything starts. A deployment lists the same thing under
/// <c>Ledger:Publishers</c> (the public JWK exported from the HSM or Key Vault).
/// </summary>
public static class DevHostPublishers
{
    public static async Task<Dictionary<string, string?>> LedgerSettingsAsync(DevHostOptions options, CancellationToken cancellationToken)
    {
        using var consentKeys = new SoftwareKeyProvider(
            new SoftwareKeyProviderOptions { KeyDirectory = DevHostRunner.KeyDirectory(options, "consent") },
            NullLogger<SoftwareKeyProvider>.Instance);
        var jwk = (await consentKeys.GetSigningKeyAsync(ConsentEventSigner.KeyName, cancellationToken)).GetPublicJwk();
        return PublisherSettings.For(0, "consent", jwk);
    }
}
