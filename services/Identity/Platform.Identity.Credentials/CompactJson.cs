using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Unicode;

namespace Platform.Identity.Credentials;

/// <summary>JSON writing and reading for JWT segments and disclosures.</summary>
internal static class CompactJson
{
    // The JSON only ever travels base64url-encoded, never inside HTML, so non-ASCII stays as UTF-8 the way RFC 9901's
    // examples write it ("Möbius", not "M\u00f6bius"). Either form is valid; the digest is over whatever was written.
    private static readonly JsonSerializerOptions WriteOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        WriteIndented = false,
    };

    // A duplicate member would let the signer and a verifier read different values (RFC 7519 §4, RFC 8725 §3.11).
    private static readonly JsonDocumentOptions ReadOptions = new()
    {
        AllowDuplicateProperties = false,
        AllowTrailingCommas = false,
        CommentHandling = JsonCommentHandling.Disallow,
        MaxDepth = 32,
    };

    public static string Write(JsonNode node) => node.ToJsonString(WriteOptions);

    public static byte[] WriteUtf8(JsonNode node) => Encoding.UTF8.GetBytes(Write(node));

    /// <summary>Parses UTF-8 JSON; null on invalid UTF-8, invalid JSON or duplicate members.</summary>
    public static JsonNode? TryParse(ReadOnlySpan<byte> utf8, out bool valid)
    {
        // The reader defers validating string contents, so ill-formed UTF-8 would otherwise slip through.
        if (!Utf8.IsValid(utf8))
        {
            valid = false;
            return null;
        }
        try
        {
            var node = JsonNode.Parse(utf8, nodeOptions: null, ReadOptions);
            valid = true;
            return node;
        }
        catch (JsonException)
        {
            valid = false;
            return null;
        }
    }
}
