namespace Platform.Security.Tests;

/// <summary>Every test of this project shares one dev host with its signed-in principals.</summary>
[CollectionDefinition(Name)]
public sealed class SecurityCollection : ICollectionFixture<SecurityPlatform>
{
    public const string Name = "security";
}
