using System.Buffers.Text;
using System.Text.Json;

namespace Platform.Crypto.AzureKeyVault;

/// <summary>The parts of a Key Vault key bundle (<c>{"key":{"kid":...,"kty":...}}</c>) this provider uses.</summary>
internal sealed record KeyVaultKey(string Kid, string Version, string Kty, string? Crv, byte[]? X, byte[]? Y, byte[]? N = null, byte[]? E = null)
{
    public static KeyVaultKey Parse(JsonDocument document, string keyName)
    {
        try
        {
            var key = document.RootElement.GetProperty("key");
            var kid = key.GetProperty("kid").GetString()!;
            return new KeyVaultKey(
                kid,
                VersionOf(kid),
                key.GetProperty("kty").GetString()!,
                key.TryGetProperty("crv", out var crv) ? crv.GetString() : null,
                key.TryGetProperty("x", out var x) ? Base64Url.DecodeFromChars(x.GetString()) : null,
                key.TryGetProperty("y", out var y) ? Base64Url.DecodeFromChars(y.GetString()) : null,
                key.TryGetProperty("n", out var n) ? Base64Url.DecodeFromChars(n.GetString()) : null,
                key.TryGetProperty("e", out var e) ? Base64Url.DecodeFromChars(e.GetString()) : null);
        }
        catch (Exception ex) when (ex is KeyNotFoundException or InvalidOperationException or FormatException or ArgumentException)
        {
            throw new KeyProviderException($"Key Vault returned a malformed key bundle for key '{keyName}'.", ex);
        }
    }

    /// <summary>The version is the last path segment of a kid: <c>https://{vault}/keys/{name}/{version}</c>.</summary>
    public static string VersionOf(string kid)
    {
        var segments = new Uri(kid, UriKind.Absolute).AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Length != 3 || segments[0] != "keys")
        {
            throw new FormatException("A key id must look like https://{vault}/keys/{name}/{version}.");
        }
        return segments[2];
    }
}
