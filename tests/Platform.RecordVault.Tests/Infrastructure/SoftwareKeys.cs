using System.Security.Cryptography;
using Microsoft.Extensions.Logging.Abstractions;
using Platform.Crypto;
using Platform.Crypto.Software;

namespace Platform.RecordVault.Tests.Infrastructure;

/// <summary>The development software key provider over a temporary key directory, deleted on dispose.</summary>
public sealed class SoftwareKeys : IDisposable
{
    public SoftwareKeys()
    {
        Directory = Path.Combine(Path.GetTempPath(), "record-vault-keys-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6)));
        Provider = new SoftwareKeyProvider(new SoftwareKeyProviderOptions { KeyDirectory = Directory }, NullLogger<SoftwareKeyProvider>.Instance);
    }

    public string Directory { get; }

    public SoftwareKeyProvider Provider { get; }

    public Task<IKeyEncryptionKey> KekAsync(string name = "record-kek") => Provider.GetKeyEncryptionKeyAsync(name, CancellationToken.None);

    public void Dispose()
    {
        Provider.Dispose();
        if (System.IO.Directory.Exists(Directory))
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
    }
}
