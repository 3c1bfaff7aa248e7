namespace Platform.Crypto;

/// <summary>
/// A key-encryption key (KEK) that wraps per-record data keys. The KEK itself never leaves its provider
/// (HSM, Key Vault, or the development key directory).
/// </summary>
public interface IKeyEncryptionKey
{
    /// <summary>Name of the key, without version.</summary>
    string KeyName { get; }

    /// <summary>Version new wraps use; changes when the key is rotated through the same provider.</summary>
    string CurrentVersion { get; }

    /// <summary>Wraps <paramref name="dataKey"/> with the current version.</summary>
    Task<WrappedKey> WrapAsync(ReadOnlyMemory<byte> dataKey, CancellationToken cancellationToken);

    /// <summary>Unwraps with the version recorded in <paramref name="wrapped"/> (older versions keep working).</summary>
    /// <exception cref="KeyUnwrapException">The wrapped key was tampered with, or belongs to another key.</exception>
    Task<byte[]> UnwrapAsync(WrappedKey wrapped, CancellationToken cancellationToken);
}
