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
            var ciphertext = token.RunWithRetries(session => Wrap(session, clear, version));
            return Task.FromResult(new WrappedKey(KeyName, version, KeyAlgorithms.Aes256KeyWrapPadded, ciphertext));
        }
        catch (Exception ex) when (Pkcs11Errors.IsTokenError(ex))
        {
            throw new KeyProviderException(
                $"PKCS#11 wrap with KEK '{Label}' version {version} on token '{token.TokenLabel}' failed {Pkcs11Token.Attempts} times "
                + $"(last: {Pkcs11Errors.Describe(ex)}).", ex);
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
            return Task.FromResult(token.RunWithRetries(session => Unwrap(session, wrapped.Ciphertext, version)));
        }
        catch (Pkcs11Exception ex) when (ex.Method == "C_UnwrapKey" && !Pkcs11Token.IsConnectionLost(ex.RV))
        {
            // Refused again in the last of the fresh sessions. Modules differ (SoftHSM answers CKR_GENERAL_ERROR,
            // others CKR_WRAPPED_KEY_INVALID) when the RFC 5649 integrity check fails, and SoftHSM gives the same
            // codes for its own transient failures; bad input is what is refused every time.
            throw new KeyUnwrapException(
                $"Unwrapping with KEK '{Label}' version {version} was refused {Pkcs11Token.Attempts} times ({ex.RV}).", ex);
        }
        catch (Pkcs11RetryableException ex) when (ex.ObjectMissing)
        {
            // Like the other providers: a wrapped key naming a version the KEK does not have is not unwrappable here.
            throw new KeyUnwrapException(
                $"KEK '{Label}' has no version {version} on token '{token.TokenLabel}' (looked {Pkcs11Token.Attempts} times).", ex);
        }
        catch (Exception ex) when (Pkcs11Errors.IsTokenError(ex))
        {
            throw new KeyProviderException(
                $"PKCS#11 unwrap with KEK '{Label}' version {version} on token '{token.TokenLabel}' failed {Pkcs11Token.Attempts} times "
                + $"(last: {Pkcs11Errors.Describe(ex)}).", ex);
        }
    }

    /// <summary>One attempt at wrapping, checked by unwrapping the result again in the same session.</summary>
    private byte[] Wrap(ISession session, byte[] clear, string version)
    {
        var kek = FindKek(session, version);
        using var mechanism = session.Factories.MechanismFactory.Create(CKM.CKM_AES_KEY_WRAP_PAD);
        IObjectHandle temporary;
        using (var template = Pkcs11Objects.SessionDataKeyTemplate(session, clear))
        {
            temporary = session.CreateObject(template.Attributes);
        }
        byte[] wrapped;
        try
        {
            wrapped = session.WrapKey(mechanism, kek, temporary);
        }
        finally
        {
            session.DestroyObject(temporary);
        }
        // A data key that was garbled on its way into the token (as freed template memory once did, see Pkcs11Template)
        // would be wrapped without complaint and lost for good. So a wrapped key leaves only once it unwraps to the same
        // bytes: one more unwrap per write.
        var check = Unwrap(session, wrapped, version, kek);
        try
        {
            return CryptographicOperations.FixedTimeEquals(check, clear)
                ? wrapped
                : throw new Pkcs11RetryableException($"A key wrapped with KEK '{Label}' version {version} did not unwrap to the same bytes.");
        }
        finally
        {
            CryptographicOperations.ZeroMemory(check);
        }
    }

    /// <summary>One attempt at unwrapping: the data key enters the token as a temporary session object and is read back.</summary>
    private byte[] Unwrap(ISession session, byte[] ciphertext, string version, IObjectHandle? kek = null)
    {
        kek ??= FindKek(session, version);
        using var mechanism = session.Factories.MechanismFactory.Create(CKM.CKM_AES_KEY_WRAP_PAD);
        using var template = Pkcs11Objects.SessionDataKeyTemplate(session, null);
        var unwrapped = session.UnwrapKey(mechanism, kek, ciphertext, template.Attributes);
        try
        {
            // An unreadable value (AttributeValueException) is a token error like any other: retried, never bad input.
            using var read = new Pkcs11Template(session.GetAttributeValue(unwrapped, [CKA.CKA_VALUE]));
            return read.Attributes[0].GetValueAsByteArray()
                   ?? throw new Pkcs11RetryableException($"The token returned no value for a key unwrapped with KEK '{Label}'.");
        }
        finally
        {
            session.DestroyObject(unwrapped);
        }
    }

    /// <summary>The KEK version's handle; "not found" is retried before it counts (a module can miss an object it holds).</summary>
    private IObjectHandle FindKek(ISession session, string version) =>
        Pkcs11Objects.Find(session, CKO.CKO_SECRET_KEY, Label, version)
        ?? throw new Pkcs11RetryableException($"KEK '{Label}' version {version} was not found on token '{token.TokenLabel}'.", objectMissing: true);
}
