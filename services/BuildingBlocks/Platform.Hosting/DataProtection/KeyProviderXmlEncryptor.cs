using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Platform.Crypto;

namespace Platform.Hosting.DataProtection;

/// <summary>
/// Encrypts one Data Protection key element: a fresh 256-bit data key encrypts the element's XML with AES-256-GCM,
/// and the key provider's KEK wraps the data key (envelope encryption, as the record vault does for records). The
/// KEK never leaves the HSM or vault; what is stored is the wrapped data key, the nonce and the ciphertext with its tag.
/// </summary>
/// <remarks>
/// <para>Stored form (namespace <see cref="Namespace"/>):</para>
/// <code>
/// &lt;encryptedKey xmlns="urn:platform:dataprotection:keyprovider:v1"&gt;
///   &lt;wrappedKey keyName="dataprotection-consent" keyVersion="1" algorithm="A256KWP"&gt;base64&lt;/wrappedKey&gt;
///   &lt;nonce&gt;base64, 12 bytes&lt;/nonce&gt;
///   &lt;ciphertext&gt;base64, AES-256-GCM ciphertext followed by its 16-byte tag&lt;/ciphertext&gt;
/// &lt;/encryptedKey&gt;
/// </code>
/// The associated data is <see cref="AssociatedData"/> followed by the key name, so a ciphertext moved under another
/// service's name fails its tag check. Data Protection's interfaces are synchronous; the key provider's calls are
/// awaited on the thread pool. Encryption runs only when a key is created (every 90 days, and at first start).
/// </remarks>
public sealed class KeyProviderXmlEncryptor(IKeyProvider keys, KeyRingEncryptionSettings settings) : IXmlEncryptor
{
    public static readonly XNamespace Namespace = "urn:platform:dataprotection:keyprovider:v1";
    public const string AssociatedData = "platform.dataprotection.keyring.v1:";
    internal const int NonceBytes = 12;
    internal const int TagBytes = 16;

    public EncryptedXmlInfo Encrypt(XElement plaintextElement)
    {
        ArgumentNullException.ThrowIfNull(plaintextElement);
        var plaintext = Encoding.UTF8.GetBytes(plaintextElement.ToString(SaveOptions.DisableFormatting));
        var dataKey = RandomNumberGenerator.GetBytes(32);
        try
        {
            var nonce = RandomNumberGenerator.GetBytes(NonceBytes);
            var sealedBytes = new byte[plaintext.Length + TagBytes];
            using (var aes = new AesGcm(dataKey, TagBytes))
            {
                aes.Encrypt(nonce, plaintext, sealedBytes.AsSpan(0, plaintext.Length), sealedBytes.AsSpan(plaintext.Length), AssociatedDataFor(settings.KeyName));
            }
            var wrapped = Task.Run(async () =>
            {
                var kek = await keys.GetKeyEncryptionKeyAsync(settings.KeyName, CancellationToken.None).ConfigureAwait(false);
                return await kek.WrapAsync(dataKey, CancellationToken.None).ConfigureAwait(false);
            }).GetAwaiter().GetResult();
            var element = new XElement(Namespace + "encryptedKey",
                new XComment(" Encrypted with a data key wrapped by the platform's key provider (Platform.Hosting.DataProtection). "),
                new XElement(Namespace + "wrappedKey",
                    new XAttribute("keyName", wrapped.KeyName),
                    new XAttribute("keyVersion", wrapped.KeyVersion),
                    new XAttribute("algorithm", wrapped.Algorithm),
                    Convert.ToBase64String(wrapped.Ciphertext)),
                new XElement(Namespace + "nonce", Convert.ToBase64String(nonce)),
                new XElement(Namespace + "ciphertext", Convert.ToBase64String(sealedBytes)));
            return new EncryptedXmlInfo(element, typeof(KeyProviderXmlDecryptor));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(dataKey);
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    internal static byte[] AssociatedDataFor(string keyName) => Encoding.UTF8.GetBytes(AssociatedData + keyName);
}
