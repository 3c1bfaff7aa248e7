using Platform.Testing;

namespace Platform.RecordVault.Tests.Infrastructure;

/// <summary>
/// One SoftHSM2 token for every PKCS#11 test in this assembly (the library is initialised once per process). Not run
/// in parallel with other collections: the fixture sets SOFTHSM2_CONF with libc setenv. A missing SoftHSM2 makes the
/// fixture, and so these tests, fail rather than skip.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SoftHsmCollection : ICollectionFixture<SoftHsmFixture>
{
    public const string Name = "SoftHSM";
}
