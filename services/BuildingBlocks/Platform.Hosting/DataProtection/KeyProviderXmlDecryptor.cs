using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Microsoft.Extensions.DependencyInjection;
using Platform.Crypto;

namespace Platform.Hosting.DataProtection;

/// <summary>
/// Opens what <see cref="KeyProviderXmlEncryptor"/> wrote. Data Protection creates it by type name from the stored
/// XML, passing the application's service provider, so the key provider and the expected KEK name come from there.
/// </summary>
/// <remarks>
/// The KEK is always the configured one: a key name read from stored (possibly altered) XML must never make the
/// provider create or use another key, so a different name is refused. The version comes from the XML, so keys
/// wrapped before a KEK rotation still open. Anything altered fails with a <see cref="CryptographicException"/>.
/// </remarks>
public sealed class KeyProviderXmlDecryptor(IServiceProvider services) : IXmlDecryptor
{
    public XElement Decrypt(XElement encryptedElement)
    {
        ArgumentNullException.ThrowIfNull(encryptedElement);
        var ns = KeyProviderXmlEncryptor.Namespace;
        var settings = services.GetService<KeyRingEncryptionSettings>()
            ?? throw new CryptographicException("This key was encrypted by the platform's key provider, but key-ring encryption is not configured (Keys:Provider).");
        var keys = services.GetRequiredService<IKeyProvider>();
        var wrappedElement = encryptedElement.Element(ns + "wrappedKey");
        var keyName = (string?)wrappedElement?.Attribute("keyName");
        var keyVersion = (string?)wrappedElement?.Attribute("keyVersion");
        var algorithm = (string?)wrappedElement?.Attribute("algorithm");
        var nonce = Base64(encryptedElement.Element(ns + "nonce"));
        var sealedBytes = Base64(encryptedElement.Element(ns + "ciphertext"));
        var wrappedBytes = Base64(wrappedElement);
        if (keyVersion is null || algorithm is null || nonce?.Length != KeyProviderXmlEncryptor.NonceBytes
            || sealedBytes is null || sealedBytes.Length < KeyProviderXmlEncryptor.TagBytes || wrappedBytes is null)
        {
            throw new CryptographicException("The encrypted Data Protection key is malformed.");
        }
        if (!string.Equals(keyName, settings.KeyName, StringComparison.Ordinal))
        {
            throw new CryptographicException($"The Data Protection key was encrypted under another key ('{keyName}'), not this service's '{settings.KeyName}'.");
        }
        var wrapped = new WrappedKey(settings.KeyName, keyVersion, algorithm, wrappedBytes);
        var dataKey = Task.Run(async () =>
        {
            var kek = await keys.GetKeyEncryptionKeyAsync(settings.KeyName, CancellationToken.None).ConfigureAwait(false);
            return await kek.UnwrapAsync(wrapped, CancellationToken.None).ConfigureAwait(false);
        }).GetAwaiter().GetResult();
        var plaintextLength = sealedBytes.Length - KeyProviderXmlEncryptor.TagBytes;
        var plaintext = new byte[plaintextLength];
        try
        {
            using (var aes = new AesGcm(dataKey, KeyProviderXmlEncryptor.TagBytes))
            {
                aes.Decrypt(nonce, sealedBytes.AsSpan(0, plaintextLength), sealedBytes.AsSpan(plaintextLength), plaintext,
                    KeyProviderXmlEncryptor.AssociatedDataFor(settings.KeyName));
            }
            return XElement.Parse(Encoding.UTF8.GetString(plaintext));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(dataKey);
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    private static byte[]? Base64(XElement? element)
    {
        if (element is null)
        {
            return null;
        }
        try
        {
            return Convert.FromBase64String(element.Value.Trim());
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
