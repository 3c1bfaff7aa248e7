using System.Security.Cryptography;
using Microsoft.Extensions.Logging;

namespace Platform.Crypto.Software;

/// <summary>
/// Development-only provider for the embedded host: keys are plain files under
/// <see cref="SoftwareKeyProviderOptions.KeyDirectory"/>, so anyone who can read that folder has the keys.
/// It exists so the platform runs with no HSM; it logs a warning every time it is created.
/// </summary>
public sealed partial class SoftwareKeyProvider : IKeyProvider, IDisposable
{
    private const string KekExtension = ".key";
    private const string SigningExtension = ".p8";

    private readonly SoftwareKeyStore _store;
    private readonly LoadedKeys<SoftwareKeyEncryptionKey, SoftwareSigningKey> _loadedKeys = new();

    public SoftwareKeyProvider(SoftwareKeyProviderOptions options, ILogger<SoftwareKeyProvider> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        if (string.IsNullOrWhiteSpace(options.KeyDirectory))
        {
            throw new KeyProviderException("The software key provider needs Software:KeyDirectory.");
        }
        _store = new SoftwareKeyStore(options.KeyDirectory);
        LogSoftwareProviderInUse(logger, _store.Root);
    }

    public string ProviderName => "Software";

    /// <summary>Absolute path of the key directory.</summary>
    public string KeyDirectory => _store.Root;

    public Task<IKeyEncryptionKey> GetKeyEncryptionKeyAsync(string name, CancellationToken cancellationToken)
    {
        KeyNames.Validate(name);
        cancellationToken.ThrowIfCancellationRequested();
        return KekAsync();

        async Task<IKeyEncryptionKey> KekAsync() => await GetOrCreateKekAsync(name, cancellationToken).ConfigureAwait(false);
    }

    public Task<ISigningKey> GetSigningKeyAsync(string name, CancellationToken cancellationToken)
    {
        KeyNames.Validate(name);
        cancellationToken.ThrowIfCancellationRequested();
        return SigningKeyAsync();

        async Task<ISigningKey> SigningKeyAsync() => await _loadedKeys.GetOrLoadSigningKeyAsync(name,
            _ => Task.FromResult(LoadOrCreateSigningKey(name)), cancellationToken).ConfigureAwait(false);
    }

    public Task<IRsaSigningKey> GetRsaSigningKeyAsync(string name, CancellationToken cancellationToken)
    {
        KeyNames.Validate(name);
        cancellationToken.ThrowIfCancellationRequested();
        return _loadedKeys.GetOrLoadRsaSigningKeyAsync(name, _ => Task.FromResult<IRsaSigningKey>(LoadOrCreateRsaSigningKey(name)), cancellationToken);
    }

    public Task<string> RotateKeyEncryptionKeyAsync(string name, CancellationToken cancellationToken)
    {
        KeyNames.Validate(name);
        cancellationToken.ThrowIfCancellationRequested();
        return RotateKekAsync();

        async Task<string> RotateKekAsync()
        {
            var kek = await GetOrCreateKekAsync(name, cancellationToken).ConfigureAwait(false);
            return await _loadedKeys.RunExclusiveAsync(_ =>
            {
                var directory = _store.KekDirectory(name);
                string version;
                do
                {
                    version = KeyVersions.Next(SoftwareKeyStore.ListVersions(directory, KekExtension));
                }
                while (!SoftwareKeyEncryptionKey.TryCreateVersion(directory, version));
                kek.SetCurrentVersion(version);
                return Task.FromResult(version);
            }, cancellationToken).ConfigureAwait(false);
        }
    }

    public Task<bool> IsAvailableAsync(CancellationToken cancellationToken) =>
        Task.FromResult(Directory.Exists(_store.Root));

    public void Dispose()
    {
        foreach (var key in _loadedKeys.SigningKeys)
        {
            key.Dispose();
        }
        foreach (var key in _loadedKeys.RsaSigningKeys.OfType<IDisposable>())
        {
            key.Dispose();
        }
        _loadedKeys.Dispose();
    }

    private Task<SoftwareKeyEncryptionKey> GetOrCreateKekAsync(string name, CancellationToken cancellationToken) =>
        _loadedKeys.GetOrLoadKeyEncryptionKeyAsync(name, _ => Task.FromResult(LoadOrCreateKek(name)), cancellationToken);

    private SoftwareKeyEncryptionKey LoadOrCreateKek(string name)
    {
        var directory = _store.KekDirectory(name);
        var versions = SoftwareKeyStore.ListVersions(directory, KekExtension);
        if (versions.Count == 0)
        {
            SoftwareKeyEncryptionKey.TryCreateVersion(directory, KeyVersions.First);
            versions = SoftwareKeyStore.ListVersions(directory, KekExtension);
        }
        return new SoftwareKeyEncryptionKey(name, directory, KeyVersions.Format(versions.Max()));
    }

    private SoftwareSigningKey LoadOrCreateSigningKey(string name)
    {
        var directory = _store.SigningDirectory(name);
        var versions = SoftwareKeyStore.ListVersions(directory, SigningExtension);
        if (versions.Count == 0)
        {
            // Losing the race to another process is fine: its file is the key.
            SoftwareSigningKey.TryCreateVersion(directory, KeyVersions.First);
            versions = SoftwareKeyStore.ListVersions(directory, SigningExtension);
        }
        var version = KeyVersions.Format(versions.Max());
        var pkcs8 = File.ReadAllBytes(SoftwareKeyStore.SigningFile(directory, version));
        try
        {
            return new SoftwareSigningKey(name, version, pkcs8);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pkcs8);
        }
    }

    private SoftwareRsaSigningKey LoadOrCreateRsaSigningKey(string name)
    {
        var directory = _store.SigningDirectory(name);
        var versions = SoftwareKeyStore.ListVersions(directory, SigningExtension);
        if (versions.Count == 0)
        {
            SoftwareRsaSigningKey.TryCreateVersion(directory, KeyVersions.First);
            versions = SoftwareKeyStore.ListVersions(directory, SigningExtension);
        }
        var version = KeyVersions.Format(versions.Max());
        var pkcs8 = File.ReadAllBytes(SoftwareKeyStore.SigningFile(directory, version));
        try
        {
            return new SoftwareRsaSigningKey(name, version, pkcs8);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pkcs8);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Software key provider in use: keys are files on disk under {KeyDirectory}, NOT an HSM. For development only.")]
    private static partial void LogSoftwareProviderInUse(ILogger logger, string keyDirectory);
}
