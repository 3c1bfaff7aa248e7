using Platform.Crypto;
using Platform.Crypto.Jose;

namespace Platform.Ledger.Node;

/// <summary>
/// The configuration entries (<c>Ledger:Publishers:{index}:*</c>) that trust one publisher's signing key; for
/// hosts that compose the ledger in code (the dev host, tests). Deployments write the same keys in values.
/// </summary>
public static class PublisherSettings
{
    public static Dictionary<string, string?> For(int index, string issuer, P256Jwk jwk)
    {
        ArgumentNullException.ThrowIfNull(jwk);
        var prefix = $"Ledger:Publishers:{index}:";
        return new Dictionary<string, string?>
        {
            [prefix + "Issuer"] = issuer,
            [prefix + "Jwk:Kty"] = jwk.Kty,
            [prefix + "Jwk:Crv"] = jwk.Crv,
            [prefix + "Jwk:X"] = jwk.X,
            [prefix + "Jwk:Y"] = jwk.Y,
            [prefix + "Jwk:Kid"] = jwk.Kid,
            [prefix + "Jwk:Alg"] = jwk.Alg,
            [prefix + "Jwk:Use"] = jwk.Use,
        };
    }
}
