using System.Net.Http.Json;
using Microsoft.Extensions.Options;
using Platform.Testing;

namespace Platform.Ledger.Tests.Service;

/// <summary>With more than one replica, Raft TLS is on unless a setting explicitly turns it off.</summary>
public sealed class RaftTlsConfigurationTests
{
    private static Dictionary<string, string?> TwoReplicas() => new()
    {
        ["Ledger:ReplicaName"] = "ledger-0",
        ["Ledger:ClusterToken"] = "token",
        ["Ledger:Replicas:0:Name"] = "ledger-0",
        ["Ledger:Replicas:0:RaftEndPoint"] = $"127.0.0.1:{FreePort.Next()}",
        ["Ledger:Replicas:1:Name"] = "ledger-1",
        ["Ledger:Replicas:1:RaftEndPoint"] = $"127.0.0.1:{FreePort.Next()}",
        ["Keys:Provider"] = "Software",
    };

    [Fact]
    public async Task A_cluster_without_certificates_does_not_start()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => ServiceUnderTest.StartAsync(LedgerService.Build, TwoReplicas()));
        Assert.Contains("Ledger:RaftTls", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Half_a_TLS_configuration_does_not_start()
    {
        var settings = TwoReplicas();
        settings["Ledger:RaftTls:CertificateFile"] = "/nonexistent/replica.crt";
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => ServiceUnderTest.StartAsync(LedgerService.Build, settings));
        Assert.Contains("CertificateFile, KeyFile and AuthorityFile", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plaintext_Raft_starts_only_when_explicitly_disabled()
    {
        var settings = TwoReplicas();
        settings["Ledger:RaftTls:Disabled"] = "true";
        await using var replica = await ServiceUnderTest.StartAsync(LedgerService.Build, settings);
        var status = await replica.Client.GetFromJsonAsync<System.Text.Json.JsonElement>("/cluster/status");
        Assert.False(status.GetProperty("raft").GetProperty("tls").GetBoolean());
    }
}
