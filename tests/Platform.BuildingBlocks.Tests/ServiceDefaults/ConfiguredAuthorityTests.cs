using Microsoft.Extensions.Configuration;
using Platform.ServiceDefaults;

namespace Platform.BuildingBlocks.Tests.ServiceDefaults;

/// <summary>
/// One answer to "does this service validate the identity service's tokens?", shared by bearer validation, the
/// ledger's policies, token revocations and the sign-in pages: a blank authority counts as none.
/// </summary>
public sealed class ConfiguredAuthorityTests
{
    [Theory]
    [InlineData(null, null)]
    [InlineData("", null)]
    [InlineData("   ", null)]
    [InlineData("http://127.0.0.1:5101/", "http://127.0.0.1:5101/")]
    public void A_blank_authority_is_none(string? configured, string? expected)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Authentication:Authority"] = configured })
            .Build();

        Assert.Equal(expected, TokenValidationSetup.ConfiguredAuthority(configuration));
        Assert.Equal(expected is not null, TokenValidationSetup.IsConfigured(configuration));
    }
}
