using System.Text.Json.Nodes;
using Platform.Crypto.Jose;

namespace Platform.Identity.Credentials;

/// <summary>
/// The JSON layer SD-JWT puts on the platform's compact JWS (<see cref="CompactJws"/>) for the issuer-signed JWT and
/// the Key Binding JWT: header and payload written compactly, read back as JSON objects with duplicate members refused.
/// </summary>
internal static class JwtObjects
{
    public static Task<string> SignAsync(JsonObject header, JsonObject payload, Es256Signer signer, CancellationToken cancellationToken) =>
        CompactJws.SignAsync(CompactJson.WriteUtf8(header), CompactJson.WriteUtf8(payload), signer, cancellationToken);

    /// <summary>Splits and decodes a compact JWS; nothing is trusted until the signature is checked.</summary>
    /// <exception cref="SdJwtException">With <paramref name="malformed"/> when the structure is not a JWS with JSON object segments.</exception>
    public static Parsed Parse(string jws, SdJwtError malformed)
    {
        if (jws.Split('.').Length != 3)
        {
            throw new SdJwtException(malformed, "A compact JWS has exactly three dot-separated parts.");
        }
        var parts = CompactJws.TryParse(jws) ?? throw new SdJwtException(malformed, "The JWS header or payload is not base64url.");
        // A wrong-length or undecodable signature is still "structurally" a JWS; it simply will not verify.
        return new Parsed(ReadObject(parts.Header, "header", malformed), ReadObject(parts.Payload, "payload", malformed), parts);
    }

    private static JsonObject ReadObject(byte[] utf8, string what, SdJwtError malformed)
    {
        var node = CompactJson.TryParse(utf8, out var valid);
        return valid && node is JsonObject obj
            ? obj
            : throw new SdJwtException(malformed, $"The JWS {what} is not a JSON object (or repeats a member).");
    }

    /// <summary>A decoded compact JWS with JSON object header and payload.</summary>
    internal sealed class Parsed(JsonObject header, JsonObject payload, CompactJws jws)
    {
        public JsonObject Header { get; } = header;

        public JsonObject Payload { get; } = payload;

        /// <summary>The JWS as received: signing input and signature.</summary>
        public CompactJws Jws { get; } = jws;

        /// <summary>Header checks shared by both JWTs: ES256 only (never <c>none</c>), expected <c>typ</c>, no <c>crit</c>.</summary>
        public void CheckHeader(string expectedType, SdJwtError algorithmError, SdJwtError typeError)
        {
            if (JsonText.Get(Header, "alg") != SdJwtConstants.Es256)
            {
                throw new SdJwtException(algorithmError, "The JWS alg must be ES256.");
            }
            // RFC 7515 §4.1.11: an extension we do not implement must not be silently ignored.
            if (Header.ContainsKey("crit"))
            {
                throw new SdJwtException(algorithmError, "The JWS declares critical extensions (crit), which are not supported.");
            }
            // Media types compare case-insensitively (RFC 7515 §4.1.9, RFC 2045).
            if (!string.Equals(JsonText.Get(Header, "typ"), expectedType, StringComparison.OrdinalIgnoreCase))
            {
                throw new SdJwtException(typeError, $"The JWS typ must be '{expectedType}'.");
            }
        }
    }
}
