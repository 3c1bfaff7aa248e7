namespace Platform.RecordVault.Service.Tests;

/// <summary>
/// One vault platform for all vault tests: SoftHSM2 reads its configuration from a process-wide environment
/// variable, so two tokens cannot be set up side by side in one test process.
/// </summary>
[CollectionDefinition(Name)]
public sealed class VaultCollection : ICollectionFixture<VaultPlatform>
{
    public const string Name = "vault";
}
