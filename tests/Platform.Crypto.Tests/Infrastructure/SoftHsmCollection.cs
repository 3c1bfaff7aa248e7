using Platform.Testing;

namespace Platform.Crypto.Tests.Infrastructure;

/// <summary>
/// All PKCS#11 tests share one SoftHSM token: the library is initialised once per process. The collection runs on
/// its own, after the parallel ones, because the fixture calls libc setenv, which is unsafe while other threads
/// may be reading the environment.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SoftHsmCollection : ICollectionFixture<SoftHsmFixture>
{
    public const string Name = "SoftHSM";
}
