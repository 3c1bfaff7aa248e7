using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Platform.Crypto.Jose;

/// <summary>
/// The platform's one public key type for JOSE: an EC P-256 signing key as a JWK (RFC 7517/7518 §6.2.1),
/// <c>kty=EC</c>, <c>crv=P-256</c>, base64url <c>x</c>/<c>y</c>, with <c>kid</c>, <c>alg</c> and <c>use</c>.
/// Serializes with the JWK member names, so it goes straight into a JWKS document (and into the ledger's log, whose
/// bytes must not change: keep the members and their order).
/// </summary>
public sealed record P256Jwk(
    [property: JsonPropertyName("kty")] string Kty,
    [property: JsonPropertyName("crv")] string Crv,
    [property: JsonPropertyName("x")] string X,
    [property: JsonPropertyName("y")] string Y,
    [property: JsonPropertyName("kid")] string Kid,
    [property: JsonPropertyName("alg")] string Alg,
    [property: JsonPropertyName("use")] string Use)
{
    /// <summary>The JWS algorithm of every key of this type (RFC 7518 §3.4).</summary>
    public const string Algorithm = "ES256";

    private const int CoordinateLength = 32;

    /// <summary>Builds the JWK from raw 32-byte P-256 coordinates.</summary>
    /// <exception cref="CryptographicException">A coordinate is not 32 bytes.</exception>
    public static P256Jwk ForP256(ReadOnlySpan<byte> x, ReadOnlySpan<byte> y, string kid)
    {
        if (x.Length != CoordinateLength || y.Length != CoordinateLength)
        {
            throw new CryptographicException("A P-256 public key needs 32-byte x and y coordinates.");
        }
        return new P256Jwk("EC", "P-256", Base64Url.EncodeToString(x), Base64Url.EncodeToString(y), kid, Algorithm, "sig");
    }

    /// <summary>The public half of a P-256 <see cref="ECDsa"/> key.</summary>
    /// <exception cref="ArgumentException">The key is not on P-256.</exception>
    public static P256Jwk FromECDsa(ECDsa key, string keyId = "")
    {
        ArgumentNullException.ThrowIfNull(key);
        var parameters = key.ExportParameters(includePrivateParameters: false);
        if (parameters.Curve.Oid.Value != ECCurve.NamedCurves.nistP256.Oid.Value)
        {
            throw new ArgumentException("The key is not on P-256.", nameof(key));
        }
        return ForP256(parameters.Q.X, parameters.Q.Y, keyId);
    }

    /// <summary>
    /// The key from its required members (RFC 7638 §3.2); null unless <c>kty=EC</c>, <c>crv=P-256</c> and both
    /// coordinates are unpadded base64url of 32 bytes. Whether the point is on the curve is checked on use.
    /// </summary>
    public static P256Jwk? TryFromMembers(string? kty, string? crv, string? x, string? y, string kid = "")
    {
        if (kty != "EC" || crv != "P-256"
            || StrictBase64Url.TryDecode(x) is not { Length: CoordinateLength } xBytes
            || StrictBase64Url.TryDecode(y) is not { Length: CoordinateLength } yBytes)
        {
            return null;
        }
        return ForP256(xBytes, yBytes, kid);
    }

    /// <summary>
    /// Reads a public EC P-256 JWK object (a JWKS entry, <c>cnf.jwk</c>, a JWS <c>jwk</c> header); null when it is
    /// anything else, incomplete, or declared for another algorithm or use (RFC 8725 §3.1: one key, one algorithm).
    /// </summary>
    public static P256Jwk? TryRead(JsonObject? jwk)
    {
        if (jwk is null
            || TryFromMembers(Text(jwk, "kty"), Text(jwk, "crv"), Text(jwk, "x"), Text(jwk, "y"), Text(jwk, "kid") ?? "") is not { } key)
        {
            return null;
        }
        var alg = Text(jwk, "alg");
        var use = Text(jwk, "use");
        return (alg is null || alg == Algorithm) && (use is null || use == "sig") ? key : null;
    }

    /// <summary>
    /// Only the members that make up the key, <c>{kty, crv, x, y}</c>: for <c>cnf.jwk</c> (RFC 7800) and the <c>jwk</c>
    /// header of a proof, where a <c>kid</c> would be a stable identifier across a holder's tokens.
    /// </summary>
    public JsonObject ToKeyMembers() => new()
    {
        ["kty"] = Kty,
        ["crv"] = Crv,
        ["x"] = X,
        ["y"] = Y,
    };

    /// <summary>
    /// The RFC 7638 JWK thumbprint (SHA-256, base64url): the hash of <c>{"crv":..,"kty":..,"x":..,"y":..}</c>, the
    /// required members in lexicographic order, no whitespace. What a DPoP-bound token carries as <c>cnf.jkt</c>.
    /// </summary>
    public string Thumbprint()
    {
        var canonical = "{\"crv\":" + JsonSerializer.Serialize(Crv) + ",\"kty\":" + JsonSerializer.Serialize(Kty)
            + ",\"x\":" + JsonSerializer.Serialize(X) + ",\"y\":" + JsonSerializer.Serialize(Y) + "}";
        return Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }

    /// <summary>
    /// Verifies one ES256 signature (64-byte r||s over SHA-256 of <paramref name="data"/>); false for a wrong
    /// signature, malformed coordinates or a key that is not on the curve. For many signatures by one key use
    /// <see cref="Es256Verifier"/>.
    /// </summary>
    public bool VerifyES256(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        using var verifier = new Es256Verifier(this);
        return verifier.Verify(data, signature);
    }

    /// <summary>Public-only parameters for <see cref="ECDsa.Create(ECParameters)"/> to verify signatures.</summary>
    /// <exception cref="CryptographicException">Not EC P-256, or the coordinates are not 32-byte base64url.</exception>
    public ECParameters ToECParameters()
    {
        if (Kty != "EC" || Crv != "P-256")
        {
            throw new CryptographicException($"Unsupported JWK (kty '{Kty}', crv '{Crv}'); expected EC P-256.");
        }
        if (StrictBase64Url.TryDecode(X) is not { Length: CoordinateLength } x || StrictBase64Url.TryDecode(Y) is not { Length: CoordinateLength } y)
        {
            throw new CryptographicException("A P-256 public key needs 32-byte base64url x and y coordinates.");
        }
        return new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            Q = new ECPoint { X = x, Y = y },
        };
    }

    private static string? Text(JsonObject jwk, string name) =>
        jwk.TryGetPropertyValue(name, out var node) && node is JsonValue value && value.GetValueKind() == JsonValueKind.String
            ? value.GetValue<string>()
            : null;
}
