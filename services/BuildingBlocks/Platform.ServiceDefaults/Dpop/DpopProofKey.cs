using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Platform.Crypto.Jose;

namespace Platform.ServiceDefaults.Dpop;

/// <summary>
/// A client's DPoP key (RFC 9449 §4): an ECDsa P-256 key made at start and kept in memory only, which signs one proof
/// per request. Owns the key: register this wrapper as a singleton (the container disposes it at shutdown), never the
/// raw <see cref="ECDsa"/>, which the container would dispose under whoever else still held it.
/// </summary>
public sealed class DpopProofKey : IDisposable
{
    private readonly ECDsa _key;
    private readonly P256Jwk _publicKey;

    /// <summary>A new random key.</summary>
    public DpopProofKey()
        : this(ECDsa.Create(ECCurve.NamedCurves.nistP256))
    {
    }

    /// <summary>Takes ownership of <paramref name="key"/> (a P-256 key), which it disposes.</summary>
    public DpopProofKey(ECDsa key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.KeySize != 256)
        {
            throw new ArgumentException("A DPoP key here is ECDsa P-256.", nameof(key));
        }
        _key = key;
        _publicKey = P256Jwk.FromECDsa(_key);
        Thumbprint = _publicKey.Thumbprint();
    }

    /// <summary>The private key as PKCS#8, for replicas that share one key (store it only encrypted).</summary>
    public byte[] ExportPkcs8() => _key.ExportPkcs8PrivateKey();

    /// <summary>A key exported by <see cref="ExportPkcs8"/>.</summary>
    public static DpopProofKey ImportPkcs8(ReadOnlySpan<byte> pkcs8)
    {
        var key = ECDsa.Create();
        try
        {
            key.ImportPkcs8PrivateKey(pkcs8, out _);
            return new DpopProofKey(key);
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    /// <summary>The key's RFC 7638 thumbprint: what a bound token carries as <c>cnf.jkt</c>.</summary>
    public string Thumbprint { get; }

    /// <summary>
    /// A proof for one request: <c>htm</c>, <c>htu</c> (without query and fragment, §4.2), <c>iat</c>, a fresh
    /// <c>jti</c>, <c>ath</c> when an access token goes with it, and the server's <c>nonce</c> when it gave one.
    /// </summary>
    public string CreateProof(HttpMethod method, Uri url, string? accessToken = null, string? nonce = null)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(url);
        var header = new Dictionary<string, object>
        {
            ["typ"] = "dpop+jwt",
            ["alg"] = "ES256",
            ["jwk"] = _publicKey.ToKeyMembers(),
        };
        var payload = new Dictionary<string, object>
        {
            ["jti"] = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16)),
            ["htm"] = method.Method,
            ["htu"] = url.GetLeftPart(UriPartial.Path),
            ["iat"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
        };
        if (accessToken is not null)
        {
            payload["ath"] = Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(accessToken)));
        }
        if (nonce is not null)
        {
            payload["nonce"] = nonce;
        }
        var signingInput = CompactJws.SigningInputOf(JsonSerializer.SerializeToUtf8Bytes(header), JsonSerializer.SerializeToUtf8Bytes(payload));
        var signature = _key.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return signingInput + "." + Base64Url.EncodeToString(signature);
    }

    public void Dispose() => _key.Dispose();
}
