using System.Security.Cryptography;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace Platform.Crypto.Pkcs11;

/// <summary>
/// AES-256 KEK on the token. Wrapping goes through C_WrapKey/C_UnwrapKey with CKM_AES_KEY_WRAP_PAD (RFC 5649):
/// the data key enters and leaves the token as a temporary session object, and the KEK never leaves it.
/// </summary>
internal sealed class Pkcs11KeyEncryptionKey(Pkcs11Token token, string name, string label, string currentVersion) : IKeyEncryptionKey
{
    private string _currentVersion = currentVersion;

    public string KeyName { get; } = name;

    public string CurrentVersion => Volatile.Read(ref _currentVersion);

    internal string Label { get; } = label;

    internal void SetCurrentVersion(string version) => Volatile.Write(ref _currentVersion, version);

    public Task<WrappedKey> WrapAsync(ReadOnlyMemory<byte> dataKey, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (dataKey.IsEmpty)
        {
            throw new ArgumentException("The data key is empty.", nameof(dataKey));
        }
        var version = CurrentVersion;
        var clear = dataKey.ToArray();
        try
        {
            var ciphertext = token.Run(session =>
            {
                var kek = Pkcs11Objects.Find(session, CKO.CKO_SECRET_KEY, Label, version)
                          ?? throw new KeyProviderException($"KEK '{Label}' version {version} is not on token '{token.TokenLabel}'.");
                var temporary = session.CreateObject(Pkcs11Objects.SessionDataKeyTemplate(session, clear));
                try
                {
                    using var mechanism = session.Factories.MechanismFactory.Create(CKM.CKM_AES_KEY_WRAP_PAD);
                    return session.WrapKey(mechanism, kek, temporary);
                }
                finally
                {
                    session.DestroyObject(temporary);
                }
            });
            return Task.FromResult(new WrappedKey(KeyName, version, KeyAlgorithms.Aes256KeyWrapPadded, ciphertext));
        }
        catch (Pkcs11Exception ex)
        {
            throw new KeyProviderException($"PKCS#11 wrap with KEK '{Label}' version {version} failed ({ex.RV}).", ex);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(clear);
        }
    }

    public Task<byte[]> UnwrapAsync(WrappedKey wrapped, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(wrapped);
        cancellationToken.ThrowIfCancellationRequested();
        if (wrapped.KeyName != KeyName || wrapped.Algorithm != KeyAlgorithms.Aes256KeyWrapPadded
            || !KeyVersions.TryParse(wrapped.KeyVersion, out _))
        {
            throw new KeyUnwrapException(
                $"Wrapped key names KEK '{wrapped.KeyName}' version '{wrapped.KeyVersion}' with {wrapped.Algorithm}; "
                + $"this is KEK '{KeyName}' with {KeyAlgorithms.Aes256KeyWrapPadded}.");
        }
        var version = wrapped.KeyVersion;
        try
        {
            return Task.FromResult(token.Run(session =>
            {
                var kek = Pkcs11Objects.Find(session, CKO.CKO_SECRET_KEY, Label, version)
                          ?? throw new KeyUnwrapException($"KEK '{Label}' has no version {version} on token '{token.TokenLabel}'.");
                IObjectHandle unwrapped;
                try
                {
                    using var mechanism = session.Factories.MechanismFactory.Create(CKM.CKM_AES_KEY_WRAP_PAD);
                    unwrapped = session.UnwrapKey(mechanism, kek, wrapped.Ciphertext, Pkcs11Objects.SessionDataKeyTemplate(session, null));
                }
                catch (Pkcs11Exception ex) when (!Pkcs11Token.IsConnectionLost(ex.RV))
                {
                    // Modules differ (SoftHSM answers CKR_GENERAL_ERROR, others CKR_WRAPPED_KEY_INVALID) when the
                    // RFC 5649 integrity check fails; any refusal that is not a lost connection means bad input.
                    throw new KeyUnwrapException($"Unwrapping with KEK '{Label}' version {version} failed ({ex.RV}).", ex);
                }
                try
                {
                    return session.GetAttributeValue(unwrapped, [CKA.CKA_VALUE])[0].GetValueAsByteArray();
                }
                finally
                {
                    session.DestroyObject(unwrapped);
                }
            }));
        }
        catch (Pkcs11Exception ex)
        {
            throw new KeyProviderException($"PKCS#11 unwrap with KEK '{Label}' version {version} failed ({ex.RV}).", ex);
        }
    }
}
