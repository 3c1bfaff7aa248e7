namespace Platform.Deployment.Tests;

/// <summary>values.schema.json turns bad values away at install time, with a message naming the value.</summary>
public class SchemaTests
{
    public static TheoryData<string, string> BadValues() => new()
    {
        { "ledger.replicas=2", "/ledger/replicas" },
        { "ledger.replicas=4", "/ledger/replicas" },
        { "ledger.replicas=1", "/ledger/replicas" },
        { "image.tag=null", "tag" },
        { "image.tag=latest tag", "/image/tag" },
        { "identity.image.digest=sha1:abc", "/identity/image/digest" },
        { "keys.provider=Software", "/development/enabled" },
        { "keys.provider=Vault", "/keys/provider" },
        { "keys.pkcs11.pinSecret.name=", "/keys/pkcs11/pinSecret/name" },
        { "keys.provider=AzureKeyVault", "/keys/azureKeyVault/vaultUri" },
        { "database.provider=Sqlite", "/database/provider" },
        { "issuer=not a url", "/issuer" },
        { "identity.resources.limits=null", "limits" },
        { "identity.replica=3", "replica" },
        { "ledger.raftPort=8080", "/ledger/raftPort" },
        { "dapr.tracing.samplingRate=2", "/dapr/tracing/samplingRate" },
        // The demo accounts' passwords are public: only a development install may seed them.
        { "development.demoAccounts=true", "/development/enabled" },
    };

    [Theory]
    [MemberData(nameof(BadValues))]
    public void Template_refuses(string set, string pointer)
    {
        var result = Helm.Template("values.yaml", set);
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("schema", result.StandardError);
        Assert.Contains(pointer, result.StandardError);
    }

    [Theory]
    [InlineData("ledger.replicas=2")]
    [InlineData("image.tag=null")]
    public void Lint_refuses(string set)
    {
        var result = Helm.Run("lint", "--strict", Repository.ChartDirectory, "--set", set);
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("1 chart(s) failed", result.StandardOutput + result.StandardError);
    }

    [Theory]
    [InlineData("ledger.replicas=5")]
    [InlineData("ledger.replicas=7")]
    [InlineData("identity.image.digest=sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")]
    [InlineData("keys.provider=AzureKeyVault", "keys.azureKeyVault.vaultUri=https://platform.vault.azure.net/")]
    [InlineData("keys.provider=Software", "development.enabled=true")]
    public void Accepts_good_values(params string[] sets)
    {
        var result = Helm.Template("values.yaml", sets);
        Assert.True(result.ExitCode == 0, result.ToString());
    }

    [Fact]
    public void A_service_whose_keys_override_lacks_a_pin_fails_the_render_by_name()
    {
        var result = Helm.Template("values.yaml", "consent.keys.pkcs11.pinSecret.name=");
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("consent: keys.pkcs11 needs", result.StandardError);
    }

    [Fact]
    public void Autoscaling_bounds_are_checked()
    {
        var result = Helm.Template("values.yaml", "identity.autoscaling.minReplicas=5", "identity.autoscaling.maxReplicas=3");
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("identity.autoscaling.minReplicas is larger than maxReplicas", result.StandardError);
    }
}
