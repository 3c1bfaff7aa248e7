using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using Platform.Crypto;
using Platform.Crypto.Jose;

namespace Platform.Identity.Credentials.Tests;

/// <summary>
/// An in-memory issuer that signs whatever header and payload a test builds, for SD-JWTs the real issuer would never
/// produce. Its key is trusted for <see cref="Issuer"/> under <see cref="KeyId"/>.
/// </summary>
internal sealed class CraftedIssuer : IDisposable
{
    public const string Issuer = "https://crafted.example.test";
    public const string KeyId = "crafted-1";

    public static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    public ECDsa Key { get; } = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public ECDsa HolderKey { get; } = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public FakeTimeProvider Clock { get; } = new(Now);

    public JsonObject Header() => new() { ["alg"] = "ES256", ["typ"] = SdJwtConstants.SdJwtVcType, ["kid"] = KeyId };

    /// <summary>A valid SD-JWT VC payload with no disclosable claims; tests add <c>_sd</c> and the like.</summary>
    public JsonObject Payload() => new()
    {
        ["iss"] = Issuer,
        ["iat"] = Now.AddMinutes(-1).ToUnixTimeSeconds(),
        ["exp"] = Now.AddDays(30).ToUnixTimeSeconds(),
        ["vct"] = VerifiedIdentityCredential.Vct,
        ["cnf"] = new JsonObject { ["jwk"] = P256Jwk.FromECDsa(HolderKey).ToKeyMembers() },
        ["_sd_alg"] = "sha-256",
    };

    public string Jwt(JsonObject payload, JsonObject? header = null) => TestJws.Sign(header ?? Header(), payload, Key);

    /// <summary><c>&lt;jwt&gt;~&lt;D1&gt;~...~</c>.</summary>
    public string SdJwt(JsonObject payload, params Disclosure[] disclosures) =>
        string.Join('~', [Jwt(payload), .. disclosures.Select(d => d.Encoded)]) + "~";

    public SdJwtVerifier Verifier(bool requireKeyBinding = false) => new(new SdJwtVerifierOptions
    {
        ResolveIssuerKey = (issuer, kid, _) => ValueTask.FromResult<P256Jwk?>(
            issuer == Issuer && kid == KeyId ? P256Jwk.FromECDsa(Key, KeyId) : null),
        RequireKeyBinding = requireKeyBinding,
    }, Clock);

    public Task<SdJwtVerificationResult> VerifyAsync(string presentation) =>
        Verifier().VerifyAsync(presentation, null, CancellationToken.None);

    public static JsonArray Digests(params Disclosure[] disclosures) =>
        new(disclosures.Select(d => (JsonNode?)JsonValue.Create(d.Digest)).ToArray());

    public void Dispose()
    {
        Key.Dispose();
        HolderKey.Dispose();
    }
}
