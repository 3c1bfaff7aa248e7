using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Platform.Crypto;

namespace Platform.Identity.Credentials;

/// <summary>EC P-256 public keys as JWKs: the holder key in <c>cnf.jwk</c> and keys read from a JWKS.</summary>
public static class P256Jwk
{
    private const int CoordinateLength = 32;

    /// <summary>The public half of a P-256 <see cref="ECDsa"/> key as a JWK (e.g. the holder key for <c>cnf.jwk</c>).</summary>
    public static JsonWebKeyInfo FromECDsa(ECDsa key, string keyId = "")
    {
        ArgumentNullException.ThrowIfNull(key);
        var parameters = key.ExportParameters(includePrivateParameters: false);
        if (parameters.Curve.Oid.Value != ECCurve.NamedCurves.nistP256.Oid.Value)
        {
            throw new ArgumentException("The key is not on P-256.", nameof(key));
        }
        return JsonWebKeyInfo.ForP256(parameters.Q.X, parameters.Q.Y, keyId);
    }

    /// <summary>
    /// The confirmation key written into <c>cnf.jwk</c> (RFC 7800): only <c>kty</c>, <c>crv</c>, <c>x</c>, <c>y</c>.
    /// A <c>kid</c> would be a stable identifier across the holder's credentials, so it is left out.
    /// </summary>
    public static JsonObject ToConfirmationJwk(JsonWebKeyInfo key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (TryReadCoordinates(key.Kty, key.Crv, key.X, key.Y) is null)
        {
            throw new ArgumentException("The holder key must be an EC P-256 public key with 32-byte coordinates.", nameof(key));
        }
        return new JsonObject
        {
            ["kty"] = key.Kty,
            ["crv"] = key.Crv,
            ["x"] = key.X,
            ["y"] = key.Y,
        };
    }

    /// <summary>Reads an EC P-256 public JWK object; null when it is anything else or incomplete.</summary>
    public static JsonWebKeyInfo? TryRead(JsonObject? jwk)
    {
        if (jwk is null)
        {
            return null;
        }
        var key = TryReadCoordinates(Text(jwk, "kty"), Text(jwk, "crv"), Text(jwk, "x"), Text(jwk, "y"));
        if (key is null)
        {
            return null;
        }
        var alg = Text(jwk, "alg");
        if (alg is not null && alg != KeyAlgorithms.ES256)
        {
            return null; // the key is declared for another algorithm (RFC 8725 §3.1: one key, one algorithm)
        }
        var use = Text(jwk, "use");
        if (use is not null && use != "sig")
        {
            return null;
        }
        return key with { Kid = Text(jwk, "kid") ?? "" };
    }

    private static JsonWebKeyInfo? TryReadCoordinates(string? kty, string? crv, string? x, string? y)
    {
        if (kty != "EC" || crv != "P-256" || x is null || y is null
            || !Base64UrlText.TryDecode(x, out var xBytes) || !Base64UrlText.TryDecode(y, out var yBytes)
            || xBytes.Length != CoordinateLength || yBytes.Length != CoordinateLength)
        {
            return null;
        }
        return JsonWebKeyInfo.ForP256(xBytes, yBytes, "");
    }

    private static string? Text(JsonObject jwk, string name) =>
        jwk.TryGetPropertyValue(name, out var node) && node is JsonValue value && value.GetValueKind() == JsonValueKind.String
            ? value.GetValue<string>()
            : null;
}
