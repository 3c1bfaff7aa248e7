using System.Text.Json;
using System.Text.Json.Nodes;

namespace Platform.Identity.Credentials;

/// <summary>Typed reads of JWT claims that treat a wrong JSON type as absent or malformed, never as a coerced value.</summary>
internal static class JsonText
{
    /// <summary>The member as a string; null when absent or not a JSON string.</summary>
    public static string? Get(JsonObject obj, string name) =>
        obj.TryGetPropertyValue(name, out var node) && node is JsonValue value && value.GetValueKind() == JsonValueKind.String
            ? value.GetValue<string>()
            : null;

    /// <summary>A NumericDate (RFC 7519 §2: seconds, possibly fractional); null when absent.</summary>
    /// <exception cref="SdJwtException">With <paramref name="malformed"/> when present but not a JSON number.</exception>
    public static double? GetNumericDate(JsonObject obj, string name, SdJwtError malformed)
    {
        if (!obj.TryGetPropertyValue(name, out var node))
        {
            return null;
        }
        if (node is JsonValue value && value.GetValueKind() == JsonValueKind.Number && value.TryGetValue<double>(out var seconds)
            && double.IsFinite(seconds))
        {
            return seconds;
        }
        throw new SdJwtException(malformed, $"Claim '{name}' must be a NumericDate.");
    }
}
