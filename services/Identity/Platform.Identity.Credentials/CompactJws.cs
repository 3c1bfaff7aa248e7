using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Platform.Identity.Credentials;

/// <summary>JWS compact serialization (RFC 7515 §7.1) for the issuer-signed JWT and the Key Binding JWT.</summary>
internal static class CompactJws
{
    public const int Es256SignatureLength = 64;

    public static async Task<string> SignAsync(JsonObject header, JsonObject payload, Es256Signer signer, CancellationToken cancellationToken)
    {
        var signingInput = Base64UrlText.Encode(CompactJson.WriteUtf8(header)) + "." + Base64UrlText.Encode(CompactJson.WriteUtf8(payload));
        var signature = await signer(Encoding.ASCII.GetBytes(signingInput), cancellationToken).ConfigureAwait(false);
        if (signature.Length != Es256SignatureLength)
        {
            throw new CryptographicException($"An ES256 signature is {Es256SignatureLength} bytes (r||s); the signer returned {signature.Length}.");
        }
        return signingInput + "." + Base64UrlText.Encode(signature);
    }

    /// <summary>Splits and decodes a compact JWS; nothing is trusted until the signature is checked.</summary>
    /// <exception cref="SdJwtException">With <paramref name="malformed"/> when the structure is not a JWS with JSON object segments.</exception>
    public static Parsed Parse(string jws, SdJwtError malformed)
    {
        var parts = jws.Split('.');
        if (parts.Length != 3)
        {
            throw new SdJwtException(malformed, "A compact JWS has exactly three dot-separated parts.");
        }
        var header = ReadObject(parts[0], "header", malformed);
        var payload = ReadObject(parts[1], "payload", malformed);
        // A wrong-length or undecodable signature is still "structurally" a JWS; it simply will not verify.
        var signature = Base64UrlText.TryDecode(parts[2], out var bytes) ? bytes : [];
        return new Parsed(header, payload, Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), signature);
    }

    private static JsonObject ReadObject(string segment, string what, SdJwtError malformed)
    {
        if (!Base64UrlText.TryDecode(segment, out var utf8))
        {
            throw new SdJwtException(malformed, $"The JWS {what} is not base64url.");
        }
        var node = CompactJson.TryParse(utf8, out var valid);
        return valid && node is JsonObject obj
            ? obj
            : throw new SdJwtException(malformed, $"The JWS {what} is not a JSON object (or repeats a member).");
    }

    /// <summary>A decoded compact JWS.</summary>
    internal sealed class Parsed(JsonObject header, JsonObject payload, byte[] signingInput, byte[] signature)
    {
        public JsonObject Header { get; } = header;

        public JsonObject Payload { get; } = payload;

        /// <summary>ASCII of <c>header.payload</c> exactly as received.</summary>
        public ReadOnlyMemory<byte> SigningInput { get; } = signingInput;

        public ReadOnlyMemory<byte> Signature { get; } = signature;

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
