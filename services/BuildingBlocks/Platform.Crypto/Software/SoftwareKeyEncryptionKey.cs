using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Platform.Crypto.Software;

/// <summary>AES-256 KEK read from the key directory; wraps with AES key wrap with padding (RFC 5649).</summary>
internal sealed class SoftwareKeyEncryptionKey(string name, string directory, string currentVersion) : IKeyEncryptionKey
{
    private const int KeySize = 32;
    private readonly ConcurrentDictionary<string, byte[]> _versions = new(StringComparer.Ordinal);
    private string _currentVersion = currentVersion;

    public string KeyName { get; } = name;

    public string CurrentVersion => Volatile.Read(ref _currentVersion);

    internal void SetCurrentVersion(string version) => Volatile.Write(ref _currentVersion, version);

    public Task<WrappedKey> WrapAsync(ReadOnlyMemory<byte> dataKey, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (dataKey.IsEmpty)
        {
            throw new ArgumentException("The data key is empty.", nameof(dataKey));
        }
        var version = CurrentVersion;
        using var aes = CreateAes(Load(version) ?? throw new KeyProviderException(
            $"Key file for KEK '{KeyName}' version {version} is missing from the software key directory."));
        var ciphertext = aes.EncryptKeyWrapPadded(dataKey.Span);
        return Task.FromResult(new WrappedKey(KeyName, version, KeyAlgorithms.Aes256KeyWrapPadded, ciphertext));
    }

    public Task<byte[]> UnwrapAsync(WrappedKey wrapped, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(wrapped);
        cancellationToken.ThrowIfCancellationRequested();
        if (wrapped.KeyName != KeyName || wrapped.Algorithm != KeyAlgorithms.Aes256KeyWrapPadded)
        {
            throw new KeyUnwrapException(
                $"Wrapped key names KEK '{wrapped.KeyName}' with {wrapped.Algorithm}; this is KEK '{KeyName}' with {KeyAlgorithms.Aes256KeyWrapPadded}.");
        }
        var kek = KeyVersions.TryParse(wrapped.KeyVersion, out _) ? Load(wrapped.KeyVersion) : null;
        if (kek is null)
        {
            throw new KeyUnwrapException($"KEK '{KeyName}' has no version '{wrapped.KeyVersion}'.");
        }
        using var aes = CreateAes(kek);
        try
        {
            return Task.FromResult(aes.DecryptKeyWrapPadded(wrapped.Ciphertext));
        }
        catch (CryptographicException ex)
        {
            // The RFC 5649 integrity check failed: tampered bytes or another key's output.
            throw new KeyUnwrapException($"Unwrapping with KEK '{KeyName}' version {wrapped.KeyVersion} failed the integrity check.", ex);
        }
    }

    /// <summary>Generates a fresh 256-bit key as a file; false when that version already exists.</summary>
    internal static bool TryCreateVersion(string directory, string version)
    {
        var key = RandomNumberGenerator.GetBytes(KeySize);
        try
        {
            return SoftwareKeyStore.TryCreate(SoftwareKeyStore.KekFile(directory, version), key);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    private byte[]? Load(string version)
    {
        if (_versions.TryGetValue(version, out var cached))
        {
            return cached;
        }
        var path = SoftwareKeyStore.KekFile(directory, version);
        if (!File.Exists(path))
        {
            return null;
        }
        var key = File.ReadAllBytes(path);
        if (key.Length != KeySize)
        {
            throw new KeyProviderException($"Key file for KEK '{KeyName}' version {version} is not a 256-bit key.");
        }
        return _versions.GetOrAdd(version, key);
    }

    private static Aes CreateAes(byte[] key)
    {
        var aes = Aes.Create();
        aes.Key = key;
        return aes;
    }
}
