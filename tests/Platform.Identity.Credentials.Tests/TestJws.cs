using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Platform.Identity.Credentials.Tests;

/// <summary>Hand-built JWTs for the attacks the issuer would never produce (alg none, wrong typ, crafted payloads).</summary>
internal static class TestJws
{
    public static string Encode(JsonNode node) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(node.ToJsonString()));

    public static string Encode(string text) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(text));

    public static string Sign(JsonObject header, JsonObject payload, ECDsa key)
    {
        var input = Encode(header) + "." + Encode(payload);
        var signature = key.SignData(Encoding.ASCII.GetBytes(input), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return input + "." + Base64Url.EncodeToString(signature);
    }

    public static (JsonObject Header, JsonObject Payload) Decode(string jwt)
    {
        var parts = jwt.Split('.');
        return ((JsonObject)JsonNode.Parse(Base64Url.DecodeFromChars(parts[0]))!, (JsonObject)JsonNode.Parse(Base64Url.DecodeFromChars(parts[1]))!);
    }
}
