using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Platform.Crypto;
using Platform.Crypto.Jose;

namespace Platform.Identity.Credentials;

/// <summary>
/// The holder side of key handling: a P-256 private key as a JWK file (RFC 7517/7518 §6.2.2, with <c>d</c>), and the OpenID4VCI proof of possession (<c>openid4vci-proof+jwt</c>) sent when asking for a
/// credential.
/// </summary>
public static class HolderKeys
{
    /// <summary>JOSE <c>typ</c> of the proof of possession (OpenID4VCI §8.2.1.1).</summary>
    public const string ProofType = "openid4vci-proof+jwt";

    private const int ScalarLength = 32;

    /// <summary>A new random P-256 key. Callers own and dispose it.</summary>
    public static ECDsa Create() => ECDsa.Create(ECCurve.NamedCurves.nistP256);

    /// <summary>The private JWK <c>{kty, crv, x, y, d}</c>. It is a secret: store it with owner-only permissions.</summary>
    public static JsonObject ExportPrivateJwk(ECDsa key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var parameters = key.ExportParameters(includePrivateParameters: true);
        var publicJwk = P256Jwk.FromECDsa(key);
        return new JsonObject
        {
            ["kty"] = "EC",
            ["crv"] = "P-256",
            ["x"] = publicJwk.X,
            ["y"] = publicJwk.Y,
            ["d"] = Base64Url.EncodeToString(parameters.D),
        };
    }

    /// <summary>Reads a private EC P-256 JWK; the public point must match <c>d</c>.</summary>
    /// <exception cref="FormatException">Not a private EC P-256 JWK, or an inconsistent one. The message never contains key material.</exception>
    public static ECDsa ImportPrivateJwk(JsonObject jwk)
    {
        ArgumentNullException.ThrowIfNull(jwk);
        var publicKey = P256Jwk.TryRead(jwk) ?? throw new FormatException("The key is not an EC P-256 JWK.");
        if (JsonText.Get(jwk, "d") is not { } d || !StrictBase64Url.TryDecode(d, out var scalar) || scalar.Length != ScalarLength)
        {
            throw new FormatException("The JWK has no private part ('d') of 32 bytes.");
        }
        var parameters = publicKey.ToECParameters();
        parameters.D = scalar;
        ECDsa key;
        try
        {
            key = ECDsa.Create(parameters);
        }
        catch (CryptographicException)
        {
            throw new FormatException("The JWK is not a valid P-256 key pair.");
        }
        finally
        {
            CryptographicOperations.ZeroMemory(scalar);
        }
        // ECDsa.Create does not always check that Q = d·G: compare with the public point derived from d alone.
        using var derived = ECDsa.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, D = key.ExportParameters(true).D });
        if (P256Jwk.FromECDsa(derived) != P256Jwk.FromECDsa(key))
        {
            key.Dispose();
            throw new FormatException("The JWK's public point does not belong to its private part.");
        }
        return key;
    }

    /// <summary>Parses <paramref name="json"/> as a private JWK (see <see cref="ImportPrivateJwk(JsonObject)"/>).</summary>
    /// <exception cref="FormatException">Not JSON, or not a private EC P-256 JWK.</exception>
    public static ECDsa ImportPrivateJwk(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return CompactJson.TryParse(Encoding.UTF8.GetBytes(json), out var valid) is JsonObject obj && valid
            ? ImportPrivateJwk(obj)
            : throw new FormatException("The key file is not a JSON object.");
    }

    /// <summary>
    /// The proof of possession for a credential request: header <c>{alg: ES256, typ: openid4vci-proof+jwt, jwk}</c> with
    /// the holder's public key (never <c>d</c>), payload <c>{aud: issuer, iat[, nonce]}</c>, signed by the holder key.
    /// </summary>
    public static Task<string> CreateProofAsync(ECDsa holderKey, string issuer, DateTimeOffset issuedAt, string? nonce,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(holderKey);
        ArgumentException.ThrowIfNullOrEmpty(issuer);
        var header = new JsonObject
        {
            ["alg"] = SdJwtConstants.Es256,
            ["typ"] = ProofType,
            ["jwk"] = P256Jwk.FromECDsa(holderKey).ToKeyMembers(),
        };
        var payload = new JsonObject
        {
            ["aud"] = issuer,
            ["iat"] = issuedAt.ToUnixTimeSeconds(),
        };
        if (!string.IsNullOrEmpty(nonce))
        {
            payload["nonce"] = nonce;
        }
        return JwtObjects.SignAsync(header, payload, Es256Signers.FromECDsa(holderKey), cancellationToken);
    }
}
