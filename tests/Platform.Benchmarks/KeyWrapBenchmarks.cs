using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;
using Platform.Crypto;
using Platform.Crypto.Pkcs11;
using Platform.Crypto.Software;
using Platform.Testing;

namespace Platform.Benchmarks;

/// <summary>
/// Wrapping and unwrapping one 256-bit data key: the raw AES key wrap (baseline), the software provider, and a
/// real PKCS#11 token (SoftHSM2). The gap is what the record vault's data-key cache saves per read.
/// </summary>
[MemoryDiagnoser]
public class KeyWrapBenchmarks
{
    private readonly byte[] _dataKey = RandomNumberGenerator.GetBytes(32);
    private Aes _rawKek = null!;
    private byte[] _rawWrapped = null!;
    private string _softwareDirectory = null!;
    private IKeyEncryptionKey _software = null!;
    private WrappedKey _softwareWrapped = null!;
    private SoftHsmFixture _softHsm = null!;
    private Pkcs11KeyProvider _pkcs11Provider = null!;
    private IKeyEncryptionKey _pkcs11 = null!;
    private WrappedKey _pkcs11Wrapped = null!;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _rawKek = Aes.Create();
        _rawKek.Key = RandomNumberGenerator.GetBytes(32);
        _rawWrapped = _rawKek.EncryptKeyWrapPadded(_dataKey);

        _softwareDirectory = Directory.CreateTempSubdirectory("bench-keys-").FullName;
        var software = new SoftwareKeyProvider(new SoftwareKeyProviderOptions { KeyDirectory = _softwareDirectory }, NullLogger<SoftwareKeyProvider>.Instance);
        _software = await software.GetKeyEncryptionKeyAsync("records", CancellationToken.None);
        _softwareWrapped = await _software.WrapAsync(_dataKey, CancellationToken.None);

        _softHsm = new SoftHsmFixture();
        _pkcs11Provider = new Pkcs11KeyProvider(new Pkcs11KeyProviderOptions
        {
            LibraryPath = _softHsm.LibraryPath,
            TokenLabel = _softHsm.TokenLabel,
            UserPin = _softHsm.UserPin,
        }, NullLogger<Pkcs11KeyProvider>.Instance);
        _pkcs11 = await _pkcs11Provider.GetKeyEncryptionKeyAsync("records", CancellationToken.None);
        _pkcs11Wrapped = await _pkcs11.WrapAsync(_dataKey, CancellationToken.None);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _rawKek.Dispose();
        _pkcs11Provider.Dispose();
        _softHsm.Dispose();
        Directory.Delete(_softwareDirectory, recursive: true);
    }

    [Benchmark(Baseline = true, Description = "raw AES-KWP wrap+unwrap (baseline)")]
    public byte[] RawAesKeyWrap() => _rawKek.DecryptKeyWrapPadded(_rawKek.EncryptKeyWrapPadded(_dataKey));

    [Benchmark(Description = "software provider wrap+unwrap")]
    public async Task<byte[]> SoftwareProvider() => await _software.UnwrapAsync(await _software.WrapAsync(_dataKey, CancellationToken.None), CancellationToken.None);

    [Benchmark(Description = "PKCS#11 (SoftHSM2) wrap+unwrap")]
    public async Task<byte[]> Pkcs11Provider() => await _pkcs11.UnwrapAsync(await _pkcs11.WrapAsync(_dataKey, CancellationToken.None), CancellationToken.None);

    [Benchmark(Description = "PKCS#11 (SoftHSM2) unwrap only")]
    public Task<byte[]> Pkcs11Unwrap() => _pkcs11.UnwrapAsync(_pkcs11Wrapped, CancellationToken.None);

    [Benchmark(Description = "software provider unwrap only")]
    public Task<byte[]> SoftwareUnwrap() => _software.UnwrapAsync(_softwareWrapped, CancellationToken.None);

    [Benchmark(Description = "raw AES-KWP unwrap only")]
    public byte[] RawUnwrap() => _rawKek.DecryptKeyWrapPadded(_rawWrapped);
}
