using Microsoft.Extensions.Logging.Abstractions;
using Platform.Consent.Consents;
using Platform.Crypto.Software;

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
        return new Dictionary<string, string?>
        {
            ["Ledger:Publishers:0:Issuer"] = "consent",
            ["Ledger:Publishers:0:Jwk:Kty"] = jwk.Kty,
            ["Ledger:Publishers:0:Jwk:Crv"] = jwk.Crv,
            ["Ledger:Publishers:0:Jwk:X"] = jwk.X,
            ["Ledger:Publishers:0:Jwk:Y"] = jwk.Y,
            ["Ledger:Publishers:0:Jwk:Kid"] = jwk.Kid,
            ["Ledger:Publishers:0:Jwk:Alg"] = jwk.Alg,
            ["Ledger:Publishers:0:Jwk:Use"] = jwk.Use,
        };
    }
}
