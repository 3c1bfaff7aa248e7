using System.Buffers.Text;
using System.Text;
using System.Text.Json;

namespace Platform.Identity.Testing;

/// <summary>Reads a compact JWT's header and payload without validating it (the tests validate separately).</summary>
public static class Jwt
{
    public static JsonElement Header(string token) => Part(token, 0);

    public static JsonElement Payload(string token) => Part(token, 1);

    private static JsonElement Part(string token, int index) =>
        JsonDocument.Parse(Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token.Split('.')[index]))).RootElement.Clone();

    public static IReadOnlyList<string> Strings(JsonElement payload, string claim) =>
        !payload.TryGetProperty(claim, out var value) ? []
        : value.ValueKind == JsonValueKind.Array ? value.EnumerateArray().Select(v => v.GetString()!).ToList()
        : [value.GetString()!];
}
