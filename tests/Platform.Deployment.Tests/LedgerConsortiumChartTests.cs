using k8s.Models;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Platform.Ledger.Node;

namespace Platform.Deployment.Tests;

/// <summary>
/// One institution of a consortium ledger (ledger.consortium, docs/consortium.md#runbooks): its replica joins the
/// other institutions' replicas by their external names, reads the consortium file from a ConfigMap and presents its
/// own institution's certificate. The settings are checked against what the ledger itself binds and validates.
/// </summary>
public class LedgerConsortiumChartTests
{
    private const string Example = "values-consortium-institution.yaml";
    private const string StatefulSet = "nord-ledger";
    private const string Pod = "nord-ledger-0";

    private static Manifests Institution(params string[] sets) => Manifests.Parse(Helm.Render(Example, sets));

    [Fact]
    public void The_example_institution_runs_its_own_replica_with_the_consortium_file_and_its_own_certificate()
    {
        var manifests = Institution();
        var ledger = manifests.Single<V1StatefulSet>(StatefulSet);
        Assert.Equal(1, ledger.Spec.Replicas);
        var pod = ledger.Spec.Template.Spec;
        var container = Assert.Single(pod.Containers);

        // The consortium file: a ConfigMap of the release, mounted read-only where Ledger:Consortium:File points.
        var map = manifests.Single<V1ConfigMap>("nord-ledger-consortium");
        var volume = Assert.Single(pod.Volumes, v => v.Name == "consortium");
        Assert.Equal(map.Metadata.Name, volume.ConfigMap.Name);
        var item = Assert.Single(volume.ConfigMap.Items);
        Assert.Equal("consortium.json", item.Key);
        Assert.Contains("\"Hôpital Nord\"", map.Data[item.Key], StringComparison.Ordinal);
        var mount = Assert.Single(container.VolumeMounts, m => m.Name == "consortium");
        Assert.True(mount.ReadOnlyProperty);
        Assert.Equal($"{mount.MountPath}/{item.Path}", WorkloadTests.Env(container, "Ledger__Consortium__File").Value);
        // A changed file (after a governance vote) rolls the replicas.
        Assert.Contains("checksum/consortium", ledger.Spec.Template.Metadata.Annotations.Keys);

        // Its own certificate and key only: the authorities are the members' CAs in the file (the ledger refuses both).
        var tls = Assert.Single(pod.Volumes, v => v.Name == "raft-tls");
        Assert.Equal("nord-ledger-raft-tls", tls.Secret.SecretName);
        Assert.Equal(["tls.crt", "tls.key"], tls.Secret.Items.Select(i => i.Path).Order());
        Assert.DoesNotContain(container.Env, e => e.Name == "Ledger__RaftTls__AuthorityFile");
        Assert.DoesNotContain(manifests.All<V1Secret>(), s => s.Metadata.Name == "nord-ledger-raft-tls");

        // That key is the institution's own credential towards the others (it signs forwards to the leader): no
        // cluster token shared between institutions is given to the replica.
        Assert.DoesNotContain(container.Env, e => e.Name == "Ledger__ClusterToken");
        Assert.DoesNotContain(container.Env, e => e.ValueFrom?.SecretKeyRef?.Name == "platform-ledger-cluster");

        // Every replica of the consortium by its external endpoint, in the agreed order.
        Assert.Equal("ledger-0.lac.example.org:5204", WorkloadTests.Env(container, "Ledger__Replicas__1__RaftEndPoint").Value);
        Assert.Equal("sud-ledger-0", WorkloadTests.Env(container, "Ledger__Replicas__2__Name").Value);

        // Reachable by the other institutions, one Service per replica (Raft talks to a given member).
        var service = manifests.Single<V1Service>(Pod);
        Assert.Equal("LoadBalancer", service.Spec.Type);
        Assert.Equal(Pod, service.Spec.Selector["statefulset.kubernetes.io/pod-name"]);
        Assert.Equal([5204, 8080], service.Spec.Ports.Select(p => p.Port).Order());
        Assert.Equal("ledger-0.nord.example.org", service.Metadata.Annotations["external-dns.alpha.kubernetes.io/hostname"]);

        // One replica can be drained; its own majority is not the consortium's.
        var budget = manifests.Single<V1PodDisruptionBudget>(StatefulSet);
        Assert.Equal("1", budget.Spec.MaxUnavailable.Value);
        Assert.Null(budget.Spec.MinAvailable);
    }

    [Fact]
    public void The_network_policy_lets_the_other_institutions_replicas_in_and_out_on_the_Raft_and_API_ports_only()
    {
        var policy = Institution().Single<V1NetworkPolicy>(StatefulSet);
        var peers = new[] { "198.51.100.0/24", "203.0.113.0/24" };
        var ingress = Assert.Single(policy.Spec.Ingress, r => r.FromProperty.Any(f => f.IpBlock is not null));
        Assert.Equal(peers, ingress.FromProperty.Select(f => f.IpBlock.Cidr));
        Assert.Equal(["5204", "8080"], ingress.Ports.Select(p => p.Port.Value).Order());
        var egress = Assert.Single(policy.Spec.Egress, r => r.To?.Any(t => peers.Contains(t.IpBlock?.Cidr)) == true);
        // Raft at the peers' endpoints and their APIs (https, 443) for leader forwarding.
        Assert.Equal(["443", "5204"], egress.Ports.Select(p => p.Port.Value).Order());
    }

    [Fact]
    public void The_ledger_binds_and_accepts_the_settings_the_chart_gives_the_replica()
    {
        var manifests = Institution();
        var ledger = manifests.Single<V1StatefulSet>(StatefulSet);
        var container = Assert.Single(ledger.Spec.Template.Spec.Containers);
        var directory = Directory.CreateTempSubdirectory("consortium-");
        try
        {
            BindsAndAccepts(container, Path.Combine(directory.FullName, "consortium.json"),
                manifests.Single<V1ConfigMap>("nord-ledger-consortium").Data["consortium.json"]);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static void BindsAndAccepts(V1Container container, string file, string consortiumJson)
    {
        File.WriteAllText(file, consortiumJson);

        // The pod's environment as the container sees it: the pod name for the field reference, stand-ins for Secrets,
        // and the mounted file where the ConfigMap puts it.
        var settings = new Dictionary<string, string?>();
        foreach (var env in container.Env.Where(e => e.Name.StartsWith("Ledger__", StringComparison.Ordinal)))
        {
            var value = env.ValueFrom?.FieldRef?.FieldPath == "metadata.name" ? Pod
                : env.ValueFrom?.SecretKeyRef is not null ? "secret-from-" + env.ValueFrom.SecretKeyRef.Name
                : env.Value;
            settings[env.Name.Replace("__", ":", StringComparison.Ordinal)] = value;
        }
        Assert.Equal("/etc/ledger/consortium/consortium.json", settings["Ledger:Consortium:File"]);
        settings["Ledger:Consortium:File"] = file;

        // The ledger's own binding and validation (LedgerNodeSetup): a setting it does not know would fail here.
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddLedgerNode();
        using var services = builder.Services.BuildServiceProvider();
        var options = services.GetRequiredService<IOptions<LedgerNodeOptions>>().Value;
        Assert.Equal(Pod, options.ReplicaName);
        Assert.Equal(["nord-ledger-0", "lac-ledger-0", "sud-ledger-0"], options.Replicas.Select(r => r.Name));
        Assert.IsType<System.Net.DnsEndPoint>(options.Self.ParseRaftEndPoint());
        Assert.True(options.RaftTls.IsConfigured);
        Assert.Null(options.RaftTls.AuthorityFile);
        Assert.Equal("/etc/ledger/raft-tls/tls.crt", options.RaftTls.CertificateFile);
        Assert.Equal("/var/lib/ledger", options.DataDirectory);

        // The file the replica reads names this institution as running this replica, with the three members' CAs.
        var consortium = LocalConsortium.Load(options.Consortium.File, builder.Configuration["Ledger:LedgerId"]!, options.ReplicaName);
        Assert.Equal("Hôpital Nord", consortium.Configuration!.MemberRunning(Pod)!.Name);
        Assert.Equal(3, consortium.Configuration.Members.Count(m => m.Authority() is not null));
    }

    [Theory]
    [InlineData("ledger.consortium.institution=", "ledger.consortium.institution is required")]
    [InlineData("ledger.consortium.institution=Nobody", "\"Nobody\" is not a member in ledger.consortium.file")]
    [InlineData("ledger.consortium.file=", "ledger.consortium.file (the consortium file's JSON) or ledger.consortium.existingConfigMap is required")]
    [InlineData("ledger.consortium.existingConfigMap=elsewhere", "either inline (file) or as existingConfigMap, not both")]
    [InlineData("ledger.replicas=2", "must list this institution's replica nord-ledger-1")]
    [InlineData("ledger.ledgerId=another-ledger", "is for ledger \"hospital-consent-ledger\", not ledger.ledgerId \"another-ledger\"")]
    [InlineData("ledger.consortium.replicas[2].name=sud-ledger-9", "no endpoint for sud-ledger-0 (a replica of Centre Sud")]
    [InlineData("ledger.consortium.replicas[1].name=nord-ledger-0", "lists a replica twice")]
    [InlineData("ledger.consortium.replicas[0].raftEndPoint=no-port", "/ledger/consortium/replicas/0/raftEndPoint")]
    [InlineData("ledger.tls.disabled=true", "/ledger/tls/disabled")]
    [InlineData("ledger.membership.initialMembers=4", "initialMembers (4) cannot exceed the 3 replicas of ledger.consortium.replicas")]
    public void An_institution_that_could_not_join_fails_helm_template_with_what_is_missing(string set, string message)
    {
        var result = Helm.Template(Example, set);
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains(message, result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public void With_an_existing_ConfigMap_the_replica_mounts_it_and_the_chart_creates_none()
    {
        var manifests = Institution("ledger.consortium.file=", "ledger.consortium.existingConfigMap=hospital-consortium");
        var volume = Assert.Single(manifests.Single<V1StatefulSet>(StatefulSet).Spec.Template.Spec.Volumes, v => v.Name == "consortium");
        Assert.Equal("hospital-consortium", volume.ConfigMap.Name);
        Assert.DoesNotContain(manifests.All<V1ConfigMap>(), m => m.Metadata.Name.EndsWith("-consortium", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(LedgerRaftTlsTests.Values), MemberType = typeof(LedgerRaftTlsTests))]
    public void The_shipped_values_run_one_operators_ledger(string values)
    {
        var ledger = Manifests.Of(values).Single<V1StatefulSet>(Platform.ResourceName("ledger"));
        var container = Assert.Single(ledger.Spec.Template.Spec.Containers);
        Assert.DoesNotContain(container.Env, e => e.Name.StartsWith("Ledger__Consortium", StringComparison.Ordinal));
        Assert.DoesNotContain(ledger.Spec.Template.Spec.Volumes, v => v.Name == "consortium");
        Assert.DoesNotContain(Manifests.Of(values).All<V1Service>(), s => s.Metadata.Name == $"{Platform.ResourceName("ledger")}-0");
    }
}
