using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Platform.Identity.Tests.Standards;

/// <summary>A client's DPoP key: makes proofs (RFC 9449 §4.2) by hand, so tests can make wrong ones too.</summary>
public sealed class DpopKey : IDisposable
{
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    private (string X, string Y) Point
    {
        get
        {
            var q = _key.ExportParameters(false).Q;
            return (Base64Url.EncodeToString(q.X), Base64Url.EncodeToString(q.Y));
        }
    }

    /// <summary>RFC 7638 thumbprint: SHA-256 over the required members in lexicographic order.</summary>
    public string Thumbprint
    {
        get
        {
            var (x, y) = Point;
            return Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes($$"""{"crv":"P-256","kty":"EC","x":"{{x}}","y":"{{y}}"}""")));
        }
    }

    public string Proof(string method, string url, string? accessToken = null, string? nonce = null, DateTimeOffset? issuedAt = null)
    {
        var (x, y) = Point;
        var header = new { typ = "dpop+jwt", alg = "ES256", jwk = new { kty = "EC", crv = "P-256", x, y } };
        var payload = new Dictionary<string, object>
        {
            ["jti"] = Guid.NewGuid().ToString("N"),
            ["htm"] = method,
            ["htu"] = url,
            ["iat"] = (issuedAt ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds(),
        };
        if (accessToken is not null)
        {
            payload["ath"] = Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(accessToken)));
        }
        if (nonce is not null)
        {
            payload["nonce"] = nonce;
        }
        var signingInput = Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(header)) + "." +
                           Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(payload));
        var signature = _key.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return signingInput + "." + Base64Url.EncodeToString(signature);
    }

    public void Dispose() => _key.Dispose();
}
