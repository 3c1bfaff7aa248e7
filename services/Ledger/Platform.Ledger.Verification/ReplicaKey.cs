using System.Security.Cryptography;
using System.Text.Json.Serialization;

namespace Platform.Ledger.Verification;

/// <summary>A replica's public checkpoint-signing key as a JWK (EC P-256, ES256).</summary>
public sealed record ReplicaKey(
    [property: JsonPropertyName("replica")] string Replica,
    [property: JsonPropertyName("kid")] string Kid,
    [property: JsonPropertyName("kty")] string Kty,
    [property: JsonPropertyName("crv")] string Crv,
    [property: JsonPropertyName("x")] string X,
    [property: JsonPropertyName("y")] string Y)
{
    /// <summary>Verifies an ES256 signature (64-byte r||s) over <paramref name="data"/>; false for anything malformed.</summary>
    public bool Verifies(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        if (Kty != "EC" || Crv != "P-256" || signature.Length != 64
            || Base64Url.TryDecode(X) is not { Length: 32 } x || Base64Url.TryDecode(Y) is not { Length: 32 } y)
        {
            return false;
        }
        try
        {
            using var ecdsa = ECDsa.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, Q = new ECPoint { X = x, Y = y } });
            return ecdsa.VerifyData(data, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        }
        catch (CryptographicException)
        {
            return false; // not a point on the curve
        }
    }
}
