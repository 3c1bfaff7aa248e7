using System.Buffers.Text;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Platform.Crypto;
using Platform.Crypto.Jose;

namespace Platform.Identity.Credentials;

/// <summary>
/// A Token Status List (draft-ietf-oauth-status-list) with one bit per credential: 1 = revoked. The list is a JWT
/// (<c>typ: statuslist+jwt</c>, ES256) whose <c>status_list</c> is <c>{bits: 1, lst: base64url(zlib(bytes))}</c>;
/// the status of index i is bit (i mod 8) of byte i / 8, least significant bit first.
/// </summary>
public static class StatusListToken
{
    public const string Type = "statuslist+jwt";

    /// <summary>Signs the list for <paramref name="uri"/> (its <c>sub</c>), with revoked indexes set.</summary>
    public static async Task<string> IssueAsync(ISigningKey key, Uri uri, int size, IEnumerable<long> revoked, DateTimeOffset issuedAt, TimeSpan timeToLive, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(uri);
        var bytes = new byte[Math.Max(1, (size + 7) / 8)];
        foreach (var index in revoked)
        {
            bytes[index / 8] |= (byte)(1 << (int)(index % 8));
        }
        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            zlib.Write(bytes);
        }
        var header = new JsonObject { ["alg"] = KeyAlgorithms.ES256, ["typ"] = Type, ["kid"] = key.KeyId };
        var payload = new JsonObject
        {
            ["sub"] = uri.AbsoluteUri,
            ["iat"] = issuedAt.ToUnixTimeSeconds(),
            ["ttl"] = (long)timeToLive.TotalSeconds,
            ["status_list"] = new JsonObject { ["bits"] = 1, ["lst"] = Base64Url.EncodeToString(compressed.ToArray()) },
        };
        return await key.SignCompactJwsAsync(Encoding.UTF8.GetBytes(header.ToJsonString()), Encoding.UTF8.GetBytes(payload.ToJsonString()), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Verifies the list token with the issuer's key and reads the bit at <paramref name="index"/>: true = revoked.
    /// </summary>
    /// <exception cref="SdJwtException">The token is not a valid, correctly signed status list for <paramref name="uri"/>.</exception>
    public static bool IsRevoked(string token, Uri uri, long index, Func<string?, P256Jwk?> findKey)
    {
        ArgumentNullException.ThrowIfNull(token);
        ArgumentNullException.ThrowIfNull(uri);
        ArgumentNullException.ThrowIfNull(findKey);
        static SdJwtException Invalid(string detail) => new(SdJwtError.Revoked, "The status list cannot be used: " + detail);
        if (token.Split('.').Length != 3)
        {
            throw Invalid("not a compact JWS.");
        }
        var jws = CompactJws.TryParse(token) ?? throw Invalid("unreadable.");
        JsonElement header, payload;
        try
        {
            header = JsonDocument.Parse(jws.Header).RootElement;
            payload = JsonDocument.Parse(jws.Payload).RootElement;
        }
        catch (JsonException)
        {
            throw Invalid("unreadable.");
        }
        if (header.GetProperty("alg").GetString() != KeyAlgorithms.ES256 || header.GetProperty("typ").GetString() != Type)
        {
            throw Invalid("wrong alg or typ.");
        }
        var key = findKey(header.TryGetProperty("kid", out var kid) ? kid.GetString() : null) ?? throw Invalid("unknown key.");
        if (!jws.VerifiesWith(key))
        {
            throw Invalid("bad signature.");
        }
        if (payload.GetProperty("sub").GetString() != uri.AbsoluteUri)
        {
            throw Invalid("it is for another URI.");
        }
        var list = payload.GetProperty("status_list");
        if (list.GetProperty("bits").GetInt32() != 1)
        {
            throw Invalid("only 1-bit lists are supported.");
        }
        using var compressed = new MemoryStream(Base64Url.DecodeFromChars(list.GetProperty("lst").GetString()));
        using var zlib = new ZLibStream(compressed, CompressionMode.Decompress);
        using var bytes = new MemoryStream();
        zlib.CopyTo(bytes);
        var data = bytes.ToArray();
        if (index / 8 >= data.Length)
        {
            throw Invalid("the index is outside the list.");
        }
        return (data[index / 8] & (1 << (int)(index % 8))) != 0;
    }
}
