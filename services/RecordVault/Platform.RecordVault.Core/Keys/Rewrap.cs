using System.Security.Cryptography;
using Platform.Crypto;

namespace Platform.RecordVault.Core;

/// <summary>
/// Moves a wrapped data key to the KEK's current version after a rotation (Vault Transit's "rewrap"): unwrap with the
/// old version, wrap with the current one. The record's ciphertext is not touched and never decrypted, and the clear
/// data key exists only for the duration of the call.
/// </summary>
public static class Rewrap
{
    /// <summary>True when <paramref name="wrapped"/> was wrapped by a version other than <paramref name="currentVersion"/>.</summary>
    /// <remarks>
    /// Versions are compared for equality only (Key Vault versions are opaque, not ordered), so run the rewrap job
    /// where the KEK's current version is fresh, e.g. in the process that rotated, or "rewrapping" would move keys back
    /// to an older version.
    /// </remarks>
    public static bool NeedsRewrap(WrappedKey wrapped, string currentVersion)
    {
        ArgumentNullException.ThrowIfNull(wrapped);
        ArgumentException.ThrowIfNullOrEmpty(currentVersion);
        return !string.Equals(wrapped.KeyVersion, currentVersion, StringComparison.Ordinal);
    }

    /// <summary>
    /// <paramref name="wrapped"/> wrapped under <paramref name="kek"/>'s current version; the same instance when it
    /// already is, so a resumed job may safely call it again for every record.
    /// </summary>
    /// <param name="verify">
    /// Unwrap the new wrapped key once more and compare before returning (one more HSM call). On by default: the caller
    /// will overwrite the only stored copy, and a bad wrap would make the record unreadable forever.
    /// </param>
    /// <exception cref="ArgumentException"><paramref name="wrapped"/> names another KEK.</exception>
    /// <exception cref="KeyUnwrapException">The old wrapped key is refused (tampered, or its version is gone).</exception>
    /// <exception cref="KeyProviderException">The provider failed, or the verification did not give back the same key.</exception>
    public static async Task<WrappedKey> ToCurrentVersionAsync(WrappedKey wrapped, IKeyEncryptionKey kek, CancellationToken cancellationToken,
        bool verify = true)
    {
        ArgumentNullException.ThrowIfNull(wrapped);
        ArgumentNullException.ThrowIfNull(kek);
        if (!string.Equals(wrapped.KeyName, kek.KeyName, StringComparison.Ordinal))
        {
            throw new ArgumentException($"The wrapped key belongs to KEK '{wrapped.KeyName}', not '{kek.KeyName}'.", nameof(wrapped));
        }
        if (!NeedsRewrap(wrapped, kek.CurrentVersion))
        {
            return wrapped;
        }
        var dataKey = await kek.UnwrapAsync(wrapped, cancellationToken).ConfigureAwait(false);
        byte[]? check = null;
        try
        {
            var rewrapped = await kek.WrapAsync(dataKey, cancellationToken).ConfigureAwait(false);
            if (verify)
            {
                check = await kek.UnwrapAsync(rewrapped, cancellationToken).ConfigureAwait(false);
                if (!CryptographicOperations.FixedTimeEquals(check, dataKey))
                {
                    throw new KeyProviderException(
                        $"Rewrap under KEK '{kek.KeyName}' version {rewrapped.KeyVersion} did not round-trip; the old wrapped key was kept.");
                }
            }
            return rewrapped;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(dataKey);
            if (check is not null)
            {
                CryptographicOperations.ZeroMemory(check);
            }
        }
    }
}
