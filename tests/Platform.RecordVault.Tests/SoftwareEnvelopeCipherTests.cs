using Platform.Crypto;
using Platform.RecordVault.Tests.Infrastructure;

namespace Platform.RecordVault.Tests;

/// <summary>The envelope contract with the development software key provider (KEKs as files in a temp folder).</summary>
public sealed class SoftwareEnvelopeCipherTests : EnvelopeCipherContract, IDisposable
{
    private readonly SoftwareKeys _keys = new();
    private int _keks;

    protected override Task<IKeyEncryptionKey> NewKekAsync() => _keys.KekAsync("kek-" + Interlocked.Increment(ref _keks));

    protected override Task<string> RotateAsync(IKeyEncryptionKey kek) => _keys.Provider.RotateKeyEncryptionKeyAsync(kek.KeyName, None);

    public void Dispose() => _keys.Dispose();
}
