using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json.Serialization;

namespace Platform.Crypto;

/// <summary>
/// Public EC P-256 signing key as a JWK (RFC 7517/7518): <c>kty=EC</c>, <c>crv=P-256</c>, base64url <c>x</c>/<c>y</c>.
/// Serializes with the JWK member names, so it can go straight into a JWKS document.
/// </summary>
public sealed record JsonWebKeyInfo(
    [property: JsonPropertyName("kty")] string Kty,
    [property: JsonPropertyName("crv")] string Crv,
    [property: JsonPropertyName("x")] string X,
    [property: JsonPropertyName("y")] string Y,
    [property: JsonPropertyName("kid")] string Kid,
    [property: JsonPropertyName("alg")] string Alg,
    [property: JsonPropertyName("use")] string Use)
{
    private const int CoordinateLength = 32;

    /// <summary>Builds the JWK from raw 32-byte P-256 coordinates.</summary>
    public static JsonWebKeyInfo ForP256(ReadOnlySpan<byte> x, ReadOnlySpan<byte> y, string kid)
    {
        if (x.Length != CoordinateLength || y.Length != CoordinateLength)
        {
            throw new CryptographicException("A P-256 public key needs 32-byte x and y coordinates.");
        }
        return new JsonWebKeyInfo("EC", "P-256", Base64Url.EncodeToString(x), Base64Url.EncodeToString(y),
            kid, KeyAlgorithms.ES256, "sig");
    }

    /// <summary>
    /// Verifies one ES256 signature (64-byte r||s over SHA-256 of <paramref name="data"/>); false for a wrong
    /// signature or a key that is not on the curve. For many signatures by one key use <see cref="Es256Verifier"/>.
    /// </summary>
    public bool VerifyES256(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        using var verifier = new Es256Verifier(this);
        return verifier.Verify(data, signature);
    }

    /// <summary>Public-only parameters for <see cref="ECDsa.Create(ECParameters)"/> to verify signatures.</summary>
    public ECParameters ToECParameters()
    {
        if (Kty != "EC" || Crv != "P-256")
        {
            throw new CryptographicException($"Unsupported JWK (kty '{Kty}', crv '{Crv}'); expected EC P-256.");
        }
        return new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            Q = new ECPoint { X = Base64Url.DecodeFromChars(X), Y = Base64Url.DecodeFromChars(Y) },
        };
    }
}
