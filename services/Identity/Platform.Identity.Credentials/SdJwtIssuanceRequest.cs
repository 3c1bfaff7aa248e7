using System.Text.Json.Nodes;
using Platform.Crypto;
using Platform.Crypto.Jose;

namespace Platform.Identity.Credentials;

/// <summary>What <see cref="SdJwtIssuer"/> puts into one SD-JWT VC.</summary>
public sealed class SdJwtIssuanceRequest
{
    /// <summary><c>iss</c>: the issuer identifier, also the base of its <c>/.well-known/jwt-vc-issuer</c> metadata.</summary>
    public required string Issuer { get; init; }

    /// <summary><c>vct</c>: the credential type.</summary>
    public required string Vct { get; init; }

    /// <summary>The holder's public key, written as <c>cnf.jwk</c>; key binding proves possession of its private half.</summary>
    public required P256Jwk HolderKey { get; init; }

    /// <summary><c>exp</c> = <c>iat</c> + this.</summary>
    public required TimeSpan Lifetime { get; init; }

    /// <summary><c>iat</c>; the issuer's clock when null.</summary>
    public DateTimeOffset? IssuedAt { get; init; }

    /// <summary>Optional <c>nbf</c>.</summary>
    public DateTimeOffset? NotBefore { get; init; }

    /// <summary>Optional <c>status</c> claim (e.g. a status list reference), always in the clear.</summary>
    public JsonObject? Status { get; init; }

    /// <summary>Claims always visible to every verifier.</summary>
    public IReadOnlyDictionary<string, JsonNode?> PlainClaims { get; init; } = new Dictionary<string, JsonNode?>();

    /// <summary>Top-level claims each placed in its own disclosure; the payload keeps only their digests.</summary>
    public IReadOnlyDictionary<string, JsonNode?> DisclosableClaims { get; init; } = new Dictionary<string, JsonNode?>();

    /// <summary>Decoy digests added to <c>_sd</c> (RFC 9901 §4.2.5) to hide how many claims are disclosable.</summary>
    public int DecoyDigests { get; init; }

    /// <summary>JOSE <c>typ</c>; <c>dc+sd-jwt</c> for SD-JWT VC.</summary>
    public string Type { get; init; } = SdJwtConstants.SdJwtVcType;
}
