using System.Text.Json.Nodes;
using Azure.Core;
using Azure.Core.Pipeline;
using Microsoft.Extensions.Logging;
using Platform.Crypto.Jose;

namespace Platform.Crypto.AzureKeyVault;

/// <summary>
/// Keys in Azure Key Vault or Azure Managed HSM, over the REST API with Azure.Core (no Key Vault SDK).
/// Every request carries <c>Authorization: Bearer</c> for <see cref="AzureKeyVaultOptions.Scope"/> and
/// <c>?api-version=</c><see cref="AzureKeyVaultOptions.ApiVersion"/> (default 7.4). The requests, exactly:
/// <list type="table">
/// <item><term>current version</term><description><c>GET {vault}/keys/{name}</c>; the version is the last segment of <c>key.kid</c>.
/// 404 means the key does not exist yet.</description></item>
/// <item><term>create / rotate</term><description><c>POST {vault}/keys/{name}/create</c> with
/// <c>{"kty":"RSA-HSM","key_size":3072,"key_ops":["wrapKey","unwrapKey"]}</c> (vault KEK; <c>RSA</c> when
/// <see cref="AzureKeyVaultOptions.HsmBackedKeys"/> is false), <c>{"kty":"oct-HSM","key_size":256,"key_ops":["wrapKey","unwrapKey"]}</c>
/// (Managed HSM KEK), <c>{"kty":"EC-HSM","crv":"P-256","key_ops":["sign","verify"]}</c> (ES256 signing key) or
/// <c>{"kty":"RSA-HSM","key_size":2048,"key_ops":["sign","verify"]}</c> (RS256 signing key). Creating an
/// existing name adds a new version: that is rotation.</description></item>
/// <item><term>wrap</term><description><c>POST {vault}/keys/{name}/{version}/wrapkey</c> with
/// <c>{"alg":"RSA-OAEP-256","value":"&lt;base64url data key&gt;"}</c> (<c>"A256KW"</c> for <c>oct</c> keys);
/// answer <c>{"kid":"...","value":"&lt;base64url wrapped&gt;"}</c>.</description></item>
/// <item><term>unwrap</term><description><c>POST {vault}/keys/{name}/{version}/unwrapkey</c>, same body shape with the wrapped
/// bytes and the version recorded in the <see cref="WrappedKey"/>; 400/404 become <see cref="KeyUnwrapException"/>.</description></item>
/// <item><term>sign</term><description><c>POST {vault}/keys/{name}/{version}/sign</c> with
/// <c>{"alg":"ES256","value":"&lt;base64url SHA-256 digest&gt;"}</c>; answer value is the 64-byte r||s signature
/// (<c>"alg":"RS256"</c> for RSA keys: the PKCS#1 v1.5 signature, checked with the public key).</description></item>
/// </list>
/// Any other non-success answer (401, 403, 429 after retries, 5xx) is a <see cref="KeyVaultRequestException"/> with the
/// status, Key Vault's <c>error.code</c> and Retry-After. The transport is injectable so tests replay recorded exchanges.
/// A rotation made outside this process is picked up when the key is next loaded (restart); old versions always unwrap.
/// </summary>
public sealed partial class AzureKeyVaultKeyProvider : IKeyProvider, IDisposable
{
    private const string HealthProbeKeyName = "health-probe";

    private readonly AzureKeyVaultOptions _options;
    private readonly ILogger _logger;
    private readonly KeyVaultRestClient _client;
    private readonly LoadedKeys<AzureKeyVaultKeyEncryptionKey, AzureKeyVaultSigningKey> _loadedKeys = new();

    /// <param name="options">Vault settings.</param>
    /// <param name="credential">Azure.Identity credential (managed identity in production).</param>
    /// <param name="logger">Logger.</param>
    /// <param name="transport">HTTP transport; null uses the default. Tests pass an <c>HttpClientTransport</c> that replays recordings.</param>
    public AzureKeyVaultKeyProvider(AzureKeyVaultOptions options, TokenCredential credential, ILogger<AzureKeyVaultKeyProvider> logger,
        HttpPipelineTransport? transport = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(credential);
        ArgumentNullException.ThrowIfNull(logger);
        options.Validate();
        _options = options;
        _logger = logger;
        _client = new KeyVaultRestClient(options, credential, transport);
    }

    public string ProviderName => _options.ManagedHsm ? "AzureManagedHsm" : "AzureKeyVault";

    public async Task<IKeyEncryptionKey> GetKeyEncryptionKeyAsync(string name, CancellationToken cancellationToken)
    {
        KeyNames.Validate(name);
        // Loads are serialised: two concurrent "missing, create" paths would create two versions.
        return await _loadedKeys.GetOrLoadKeyEncryptionKeyAsync(name, token => LoadOrCreateKekAsync(name, token), cancellationToken)
            .ConfigureAwait(false);
    }

    public async Task<ISigningKey> GetSigningKeyAsync(string name, CancellationToken cancellationToken)
    {
        KeyNames.Validate(name);
        return await _loadedKeys.GetOrLoadSigningKeyAsync(name, token => LoadOrCreateSigningKeyAsync(name, token), cancellationToken)
            .ConfigureAwait(false);
    }

    public async Task<IRsaSigningKey> GetRsaSigningKeyAsync(string name, CancellationToken cancellationToken)
    {
        KeyNames.Validate(name);
        return await _loadedKeys.GetOrLoadRsaSigningKeyAsync(name, async token => await LoadOrCreateRsaSigningKeyAsync(name, token).ConfigureAwait(false),
            cancellationToken).ConfigureAwait(false);
    }

    public async Task<string> RotateKeyEncryptionKeyAsync(string name, CancellationToken cancellationToken)
    {
        var kek = (AzureKeyVaultKeyEncryptionKey)await GetKeyEncryptionKeyAsync(name, cancellationToken).ConfigureAwait(false);
        return await _loadedKeys.RunExclusiveAsync(async token =>
        {
            var key = await CreateKeyAsync(name, KekCreateBody(), "KEK", token).ConfigureAwait(false);
            kek.SetCurrent(key.Version, AzureKeyVaultKeyEncryptionKey.AlgorithmFor(key.Kty, name));
            return key.Version;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Reads a key this provider uses (or a probe name): 200 and 404 both prove the vault is reachable and accepts
    /// our token; 401/403/5xx or no connection mean not available.
    /// </summary>
    public async Task<bool> IsAvailableAsync(CancellationToken cancellationToken)
    {
        var name = _loadedKeys.Names.FirstOrDefault() ?? HealthProbeKeyName;
        try
        {
            using var _ = await _client.SendAsync(RequestMethod.Get, "get", name, [], null, notFoundIsNull: true, cancellationToken)
                .ConfigureAwait(false);
            return true;
        }
        catch (KeyProviderException ex)
        {
            LogUnavailable(_logger, _client.Vault.Host, (ex as KeyVaultRequestException)?.Status ?? 0, ex.GetType().Name);
            return false;
        }
    }

    public void Dispose() => _loadedKeys.Dispose();

    private async Task<AzureKeyVaultKeyEncryptionKey> LoadOrCreateKekAsync(string name, CancellationToken cancellationToken)
    {
        var key = await GetKeyAsync(name, cancellationToken).ConfigureAwait(false)
                  ?? await CreateKeyAsync(name, KekCreateBody(), "KEK", cancellationToken).ConfigureAwait(false);
        return new AzureKeyVaultKeyEncryptionKey(_client, name, key.Version, AzureKeyVaultKeyEncryptionKey.AlgorithmFor(key.Kty, name));
    }

    private async Task<AzureKeyVaultSigningKey> LoadOrCreateSigningKeyAsync(string name, CancellationToken cancellationToken)
    {
        var key = await GetKeyAsync(name, cancellationToken).ConfigureAwait(false)
                  ?? await CreateKeyAsync(name, SigningCreateBody(), "signing key", cancellationToken).ConfigureAwait(false);
        if (key.Kty is not ("EC" or "EC-HSM") || key.Crv != "P-256" || key.X is null || key.Y is null)
        {
            throw new KeyProviderException($"Key Vault key '{name}' is {key.Kty} {key.Crv}; ES256 signing needs an EC P-256 key.");
        }
        return new AzureKeyVaultSigningKey(_client, name, key.Version, P256Jwk.ForP256(key.X, key.Y, key.Kid));
    }

    private async Task<AzureKeyVaultRsaSigningKey> LoadOrCreateRsaSigningKeyAsync(string name, CancellationToken cancellationToken)
    {
        var key = await GetKeyAsync(name, cancellationToken).ConfigureAwait(false)
                  ?? await CreateKeyAsync(name, RsaSigningCreateBody(), "RSA signing key", cancellationToken).ConfigureAwait(false);
        if (key.Kty is not ("RSA" or "RSA-HSM") || key.N is null || key.E is null || key.N.Length * 8 < KeyAlgorithms.RsaSigningKeySize)
        {
            throw new KeyProviderException($"Key Vault key '{name}' is {key.Kty}; RS256 signing needs an RSA key of at least {KeyAlgorithms.RsaSigningKeySize} bits.");
        }
        return new AzureKeyVaultRsaSigningKey(_client, name, key.Version, key.Kid,
            new System.Security.Cryptography.RSAParameters { Modulus = key.N, Exponent = key.E });
    }

    private async Task<KeyVaultKey?> GetKeyAsync(string name, CancellationToken cancellationToken)
    {
        using var document = await _client.SendAsync(RequestMethod.Get, "get", name, [], null, notFoundIsNull: true, cancellationToken)
            .ConfigureAwait(false);
        return document is null ? null : KeyVaultKey.Parse(document, name);
    }

    private async Task<KeyVaultKey> CreateKeyAsync(string name, JsonObject body, string kind, CancellationToken cancellationToken)
    {
        using var document = await _client.SendAsync(RequestMethod.Post, "create", name, ["create"], body, notFoundIsNull: false, cancellationToken)
            .ConfigureAwait(false);
        var key = KeyVaultKey.Parse(document!, name);
        LogKeyCreated(_logger, kind, name, key.Version, _client.Vault.Host);
        return key;
    }

    private JsonObject KekCreateBody() => _options.ManagedHsm
        ? new JsonObject { ["kty"] = "oct-HSM", ["key_size"] = 256, ["key_ops"] = new JsonArray("wrapKey", "unwrapKey") }
        : new JsonObject
        {
            ["kty"] = _options.HsmBackedKeys ? "RSA-HSM" : "RSA",
            ["key_size"] = _options.RsaKeySize,
            ["key_ops"] = new JsonArray("wrapKey", "unwrapKey"),
        };

    private JsonObject SigningCreateBody() => new()
    {
        ["kty"] = _options.ManagedHsm || _options.HsmBackedKeys ? "EC-HSM" : "EC",
        ["crv"] = "P-256",
        ["key_ops"] = new JsonArray("sign", "verify"),
    };

    // Managed HSM has RSA-HSM keys too; a vault without HSM backing gets a software-protected RSA key.
    private JsonObject RsaSigningCreateBody() => new()
    {
        ["kty"] = _options.ManagedHsm || _options.HsmBackedKeys ? "RSA-HSM" : "RSA",
        ["key_size"] = KeyAlgorithms.RsaSigningKeySize,
        ["key_ops"] = new JsonArray("sign", "verify"),
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "Created {KeyKind} {KeyName} version {Version} in {Vault}")]
    private static partial void LogKeyCreated(ILogger logger, string keyKind, string keyName, string version, string vault);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Key Vault {Vault} is not available (HTTP {Status}, {ErrorType})")]
    private static partial void LogUnavailable(ILogger logger, string vault, int status, string errorType);
}
