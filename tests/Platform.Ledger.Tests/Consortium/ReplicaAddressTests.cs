using System.Text.Json;
using Platform.Ledger.Replication;
using Platform.Ledger.Verification;

namespace Platform.Ledger.Tests.Consortium;

/// <summary>A member's replica endpoints in the consortium configuration (docs/consortium.md, "Membership follows governance").</summary>
public sealed class ReplicaAddressTests : IDisposable
{
    private readonly ReplicaCertificateAuthority _ca = ReplicaCertificateAuthority.Create("address tests CA", TimeSpan.FromHours(1));

    [Fact]
    public void Endpoints_are_checked_like_the_rest_of_the_configuration()
    {
        Assert.Null(Configuration(new ReplicaAddress("r-1", "ledger-1.example.org:7000", new Uri("https://ledger-1.example.org/"))).Problem());
        Assert.Null(Configuration(new ReplicaAddress("r-1", "[::1]:7000")).Problem());
        Assert.Contains("which it does not run", Configuration(new ReplicaAddress("r-9", "ledger-9:7000")).Problem());
        Assert.Contains("is not host:port", Configuration(new ReplicaAddress("r-1", "ledger-1")).Problem());
        Assert.Contains("is not host:port", Configuration(new ReplicaAddress("r-1", "ledger 1:7000")).Problem());
        Assert.Contains("is not host:port", Configuration(new ReplicaAddress("r-1", "ledger-1:70000")).Problem());
        Assert.Contains("apiUrl", Configuration(new ReplicaAddress("r-1", "ledger-1:7000", new Uri("ftp://ledger-1/"))).Problem());
        Assert.Contains("more than one endpoint", Configuration(new ReplicaAddress("r-1", "a:1"), new ReplicaAddress("r-1", "b:1")).Problem());
    }

    [Fact]
    public void A_configuration_without_endpoints_is_written_as_before_and_one_with_them_round_trips()
    {
        var without = Configuration();
        var json = JsonSerializer.Serialize(without);
        Assert.DoesNotContain("endpoints", json);
        var with = Configuration(new ReplicaAddress("r-1", "ledger-1:7000", new Uri("http://ledger-1:8080/")));
        var written = JsonSerializer.Serialize(with);
        Assert.Contains("\"endpoints\":[{\"replica\":\"r-1\",\"raftEndPoint\":\"ledger-1:7000\",\"apiUrl\":\"http://ledger-1:8080/\"}]", written);
        Assert.Equal(written, JsonSerializer.Serialize(JsonSerializer.Deserialize<ConsortiumConfiguration>(written)));
    }

    private ConsortiumConfiguration Configuration(params ReplicaAddress[] endpoints)
    {
        using var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var p = key.ExportParameters(false);
        var member = new ConsortiumMember("A", ["r-1"], [new ReplicaKey("r-1", "k-1", "EC", "P-256", System.Buffers.Text.Base64Url.EncodeToString(p.Q.X!), System.Buffers.Text.Base64Url.EncodeToString(p.Q.Y!))],
            _ca.Certificate.ExportCertificatePem(), endpoints.Length == 0 ? null : endpoints);
        return new ConsortiumConfiguration("ledger", ConsortiumConfiguration.MajorityOfMembers, [member]);
    }

    public void Dispose() => _ca.Dispose();
}
