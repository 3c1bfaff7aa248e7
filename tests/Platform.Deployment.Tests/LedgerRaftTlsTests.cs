using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using k8s.Models;

namespace Platform.Deployment.Tests;

/// <summary>The ledger's Raft transport: mutual TLS from a Secret, generated only in development mode.</summary>
public class LedgerRaftTlsTests
{
    public static TheoryData<string> Values() => new(Helm.ValuesFiles);

    private static readonly string Name = Platform.ResourceName("ledger");

    [Theory]
    [MemberData(nameof(Values))]
    public void Every_replica_reads_its_certificate_key_and_CA_from_the_Secret_mounted_read_only(string values)
    {
        var ledger = Manifests.Of(values).Single<V1StatefulSet>(Name);
        var container = Assert.Single(ledger.Spec.Template.Spec.Containers);
        var mount = Assert.Single(container.VolumeMounts, m => m.Name == "raft-tls");
        Assert.True(mount.ReadOnlyProperty);
        var volume = Assert.Single(ledger.Spec.Template.Spec.Volumes, v => v.Name == "raft-tls");
        Assert.Equal("platform-ledger-raft-tls", volume.Secret.SecretName);
        Assert.Equal(Convert.ToInt32("440", 8), volume.Secret.DefaultMode);
        var files = volume.Secret.Items.ToDictionary(i => i.Path, i => i.Key);
        Assert.Equal(new Dictionary<string, string> { ["tls.crt"] = "tls.crt", ["tls.key"] = "tls.key", ["ca.crt"] = "ca.crt" }, files);
        foreach (var (setting, file) in new[] { ("CertificateFile", "tls.crt"), ("KeyFile", "tls.key"), ("AuthorityFile", "ca.crt") })
            Assert.Equal($"{mount.MountPath}/{file}", WorkloadTests.Env(container, $"Ledger__RaftTls__{setting}").Value);
        Assert.DoesNotContain(container.Env, e => e.Name == "Ledger__RaftTls__Disabled");

        // Production installs bring the Secret: the deployment guide must say what goes in it.
        var guide = Repository.Read("docs", "deploy.md");
        Assert.Contains("`platform-ledger-raft-tls`", guide, StringComparison.Ordinal);
        Assert.Contains("`tls.crt`, `tls.key`, `ca.crt`", guide, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("values.yaml")]
    [InlineData("values-production.yaml")]
    public void A_production_install_generates_no_certificate(string values) =>
        Assert.DoesNotContain(Manifests.Of(values).All<V1Secret>(), s => s.Metadata.Name == "platform-ledger-raft-tls");

    [Fact]
    public void Development_mode_generates_a_CA_and_a_certificate_every_replica_and_peer_accepts()
    {
        var manifests = Manifests.Parse(Helm.Render("values-minimal.yaml", "ledger.replicas=5"));
        var secret = manifests.All<V1Secret>().Single(s => s.Metadata.Name == "platform-ledger-raft-tls");
        using var ca = X509Certificate2.CreateFromPem(System.Text.Encoding.ASCII.GetString(secret.Data["ca.crt"]));
        using var certificate = X509Certificate2.CreateFromPem(
            System.Text.Encoding.ASCII.GetString(secret.Data["tls.crt"]), System.Text.Encoding.ASCII.GetString(secret.Data["tls.key"]));
        Assert.True(certificate.HasPrivateKey);

        // What the replicas check (ReplicaTls): the chain ends at this CA only, for server and client use alike.
        foreach (var usage in new[] { "1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2" })
        {
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(ca);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            chain.ChainPolicy.ApplicationPolicy.Add(new Oid(usage));
            Assert.True(chain.Build(certificate), string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation)));
        }

        // Every replica's name, as its peers dial it, and replicas added later under the same headless Service.
        var headless = $"{Name}-headless.{Helm.Namespace}.svc.cluster.local";
        for (var i = 0; i < 7; i++)
            Assert.True(certificate.MatchesHostname($"{Name}-{i}.{headless}"), $"{Name}-{i}.{headless}");
        Assert.False(certificate.MatchesHostname($"{Name}-0.elsewhere.{Helm.Namespace}.svc.cluster.local"));
    }

    [Fact]
    public void Plaintext_Raft_is_an_explicit_choice()
    {
        var ledger = Manifests.Parse(Helm.Render("values.yaml", "ledger.tls.disabled=true")).Single<V1StatefulSet>(Name);
        var container = Assert.Single(ledger.Spec.Template.Spec.Containers);
        Assert.Equal("true", WorkloadTests.Env(container, "Ledger__RaftTls__Disabled").Value);
        Assert.DoesNotContain(ledger.Spec.Template.Spec.Volumes, v => v.Name == "raft-tls");
        Assert.DoesNotContain(container.Env, e => e.Name.StartsWith("Ledger__RaftTls__Certificate", StringComparison.Ordinal));
    }

    [Fact]
    public void The_schema_refuses_unknown_TLS_settings()
    {
        var result = Helm.Template("values.yaml", "ledger.tls.verifyPeers=false");
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("verifyPeers", result.StandardError, StringComparison.Ordinal);
    }
}
