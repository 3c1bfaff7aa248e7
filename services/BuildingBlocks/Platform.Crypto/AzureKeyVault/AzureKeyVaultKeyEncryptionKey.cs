using System.Buffers.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Core;

namespace Platform.Crypto.AzureKeyVault;

/// <summary>
/// A Key Vault / Managed HSM key used through <c>wrapkey</c>/<c>unwrapkey</c>: RSA keys with RSA-OAEP-256,
/// AES (<c>oct-HSM</c>) keys with A256KW. The algorithm follows the key's type and is recorded in each wrapped key.
/// </summary>
internal sealed class AzureKeyVaultKeyEncryptionKey(KeyVaultRestClient client, string name, string currentVersion, string algorithm)
    : IKeyEncryptionKey
{
    private VersionState _current = new(currentVersion, algorithm);

    public string KeyName { get; } = name;

    public string CurrentVersion => Volatile.Read(ref _current).Version;

    internal void SetCurrent(string version, string wrapAlgorithm) => Volatile.Write(ref _current, new VersionState(version, wrapAlgorithm));

    public static string AlgorithmFor(string kty, string keyName) => kty switch
    {
        "RSA" or "RSA-HSM" => KeyAlgorithms.RsaOaep256,
        "oct" or "oct-HSM" => KeyAlgorithms.Aes256KeyWrap,
        _ => throw new KeyProviderException($"Key Vault key '{keyName}' has type {kty}, which cannot wrap keys."),
    };

    public async Task<WrappedKey> WrapAsync(ReadOnlyMemory<byte> dataKey, CancellationToken cancellationToken)
    {
        if (dataKey.IsEmpty)
        {
            throw new ArgumentException("The data key is empty.", nameof(dataKey));
        }
        var current = Volatile.Read(ref _current);
        var body = new JsonObject { ["alg"] = current.Algorithm, ["value"] = Base64Url.EncodeToString(dataKey.Span) };
        using var response = await client.SendAsync(RequestMethod.Post, "wrapkey", KeyName, [current.Version, "wrapkey"], body,
            notFoundIsNull: false, cancellationToken).ConfigureAwait(false);
        var (kid, value) = ReadResult(response!, "wrapkey");
        // The kid in the answer names the version that really wrapped; record that one.
        return new WrappedKey(KeyName, KeyVaultKey.VersionOf(kid), current.Algorithm, value);
    }

    public async Task<byte[]> UnwrapAsync(WrappedKey wrapped, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(wrapped);
        if (wrapped.KeyName != KeyName || wrapped.Algorithm is not (KeyAlgorithms.RsaOaep256 or KeyAlgorithms.Aes256KeyWrap)
            || !KeyNames.IsValid(wrapped.KeyVersion))
        {
            throw new KeyUnwrapException(
                $"Wrapped key names key '{wrapped.KeyName}' version '{wrapped.KeyVersion}' with {wrapped.Algorithm}; this is Key Vault key '{KeyName}'.");
        }
        var body = new JsonObject { ["alg"] = wrapped.Algorithm, ["value"] = Base64Url.EncodeToString(wrapped.Ciphertext) };
        try
        {
            using var response = await client.SendAsync(RequestMethod.Post, "unwrapkey", KeyName, [wrapped.KeyVersion, "unwrapkey"], body,
                notFoundIsNull: false, cancellationToken).ConfigureAwait(false);
            return ReadResult(response!, "unwrapkey").Value;
        }
        catch (KeyVaultRequestException ex) when (ex.Status is 400 or 404)
        {
            // 400: the ciphertext does not decrypt under this key (tampered or another key's); 404: no such version.
            throw new KeyUnwrapException($"Key Vault could not unwrap with key '{KeyName}' version {wrapped.KeyVersion} (HTTP {ex.Status}).", ex);
        }
    }

    /// <summary>Reads <c>{"kid":...,"value":"base64url"}</c>, the answer of wrapkey, unwrapkey and sign.</summary>
    internal static (string Kid, byte[] Value) ReadResult(JsonDocument document, string operation)
    {
        try
        {
            var root = document.RootElement;
            return (root.GetProperty("kid").GetString()!, Base64Url.DecodeFromChars(root.GetProperty("value").GetString()));
        }
        catch (Exception ex) when (ex is KeyNotFoundException or InvalidOperationException or FormatException or ArgumentException)
        {
            throw new KeyProviderException($"Key Vault {operation} returned a malformed result.", ex);
        }
    }

    private sealed record VersionState(string Version, string Algorithm);
}
