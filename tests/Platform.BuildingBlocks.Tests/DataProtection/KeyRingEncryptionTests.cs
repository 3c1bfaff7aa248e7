using System.Security.Cryptography;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using Platform.BuildingBlocks.Tests.TestService;
using Platform.Hosting.DataProtection;
using Platform.Testing;

namespace Platform.BuildingBlocks.Tests.DataProtection;

/// <summary>
/// Issue 17, finding 14: the Data Protection key ring is encrypted at rest with a KEK from the key provider — here a
/// real SoftHSM2 token — in a service composed like the real ones, and it still opens after a restart.
/// </summary>
public sealed class KeyRingEncryptionTests(SoftHsmFixture hsm) : IClassFixture<SoftHsmFixture>, IDisposable
{
    private const string Secret = "a sign-in cookie's content";
    private readonly string _data = Directory.CreateTempSubdirectory("keyring-").FullName;

    private string RingDirectory => Path.Combine(_data, "dataprotection", TestServiceApp.Identity.Name);

    private Task<ServiceUnderTest> StartAsync() => ServiceUnderTest.StartAsync(TestServiceApp.Build, new Dictionary<string, string?>
    {
        ["Data:Directory"] = _data,
        ["Keys:Provider"] = "Pkcs11",
        ["Keys:Pkcs11:LibraryPath"] = hsm.LibraryPath,
        ["Keys:Pkcs11:TokenLabel"] = hsm.TokenLabel,
        ["Keys:Pkcs11:UserPin"] = hsm.UserPin,
        ["Keys:Pkcs11:KeyLabelPrefix"] = "keyring-tests-",
    });

    [Fact]
    public async Task The_stored_key_ring_holds_no_key_material_and_opens_again_after_a_restart()
    {
        string protectedText;
        string masterKey;
        await using (var first = await StartAsync())
        {
            protectedText = first.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("test").Protect(Secret);
            // The key in clear, as the service itself sees it after decrypting the stored element.
            var stored = XElement.Load(Assert.Single(Directory.GetFiles(RingDirectory, "key-*.xml")));
            var encrypted = EncryptedElement(stored);
            var clear = new KeyProviderXmlDecryptor(first.Services).Decrypt(encrypted);
            masterKey = clear.Descendants().Single(e => e.Name.LocalName == "value").Value;
        }

        var file = await File.ReadAllTextAsync(Assert.Single(Directory.GetFiles(RingDirectory, "key-*.xml")));
        Assert.True(masterKey.Length >= 40, "a base64 master key was found in the decrypted element");
        Assert.DoesNotContain(masterKey, file, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToHexString(Convert.FromBase64String(masterKey)), file, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<value>", file, StringComparison.Ordinal);
        Assert.Contains($"decryptorType=\"{typeof(KeyProviderXmlDecryptor).AssemblyQualifiedName}\"", file, StringComparison.Ordinal);
        Assert.Contains($"keyName=\"{KeyRingEncryption.KeyNameFor(TestServiceApp.Identity.Name)}\"", file, StringComparison.Ordinal);
        Assert.Contains("algorithm=\"A256KWP\"", file, StringComparison.Ordinal);

        // A new process (new key provider, same HSM token) reads the ring and opens what the first one protected.
        await using var second = await StartAsync();
        Assert.Equal(Secret, second.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("test").Unprotect(protectedText));
        Assert.Single(Directory.GetFiles(RingDirectory, "key-*.xml"));
    }

    [Fact]
    public async Task An_altered_or_renamed_encrypted_key_is_refused()
    {
        await using var service = await StartAsync();
        service.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("test").Protect(Secret);
        var stored = XElement.Load(Assert.Single(Directory.GetFiles(RingDirectory, "key-*.xml")));
        var encrypted = EncryptedElement(stored);
        var decryptor = new KeyProviderXmlDecryptor(service.Services);
        Assert.Equal("masterKey", decryptor.Decrypt(encrypted).Name.LocalName);

        var ns = KeyProviderXmlEncryptor.Namespace;
        var flipped = new XElement(encrypted);
        var ciphertext = Convert.FromBase64String(flipped.Element(ns + "ciphertext")!.Value);
        ciphertext[10] ^= 1;
        flipped.Element(ns + "ciphertext")!.Value = Convert.ToBase64String(ciphertext);
        Assert.ThrowsAny<CryptographicException>(() => decryptor.Decrypt(flipped));

        var renamed = new XElement(encrypted);
        renamed.Element(ns + "wrappedKey")!.Attribute("keyName")!.Value = "dataprotection-identity";
        Assert.ThrowsAny<CryptographicException>(() => decryptor.Decrypt(renamed));
    }

    /// <summary>What Data Protection stores inside its <c>encryptedSecret</c> element (in its own XML namespace).</summary>
    private static XElement EncryptedElement(XElement key) =>
        key.Descendants().Single(e => e.Name.LocalName == "encryptedSecret").Elements().Single();

    public void Dispose() => Directory.Delete(_data, recursive: true);
}
