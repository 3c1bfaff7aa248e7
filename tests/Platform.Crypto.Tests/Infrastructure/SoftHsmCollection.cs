namespace Platform.Crypto.Tests.Infrastructure;

/// <summary>All PKCS#11 tests share one SoftHSM token: the library is initialised once per process.</summary>
[CollectionDefinition(Name)]
public sealed class SoftHsmCollection : ICollectionFixture<SoftHsmFixture>
{
    public const string Name = "SoftHSM";
}
