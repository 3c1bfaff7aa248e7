using System.Buffers.Text;
using System.Security.Cryptography;
using Platform.Crypto.Jose;

namespace Platform.Crypto.Tests.Infrastructure;

/// <summary>Verifies an ES256 signature the way an outside verifier would: plain ECDsa from the JWK's x and y.</summary>
public static class Jwk
{
    public static bool VerifyEs256(P256Jwk jwk, byte[] data, byte[] signature)
    {
        ArgumentNullException.ThrowIfNull(jwk);
        Assert.Equal("EC", jwk.Kty);
        Assert.Equal("P-256", jwk.Crv);
        using var ecdsa = ECDsa.Create(new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            Q = new ECPoint { X = Base64Url.DecodeFromChars(jwk.X), Y = Base64Url.DecodeFromChars(jwk.Y) },
        });
        return ecdsa.VerifyData(data, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
    }
}
