using System.Globalization;
using k8s.Models;

namespace Platform.Deployment.Tests;

/// <summary>The ledger's StatefulSet: stable names, a volume per replica, a headless Service, a majority kept.</summary>
public class LedgerTests
{
    public static TheoryData<string> Values() => new(Helm.ValuesFiles);

    private static readonly string Name = Platform.ResourceName("ledger");

    [Theory]
    [MemberData(nameof(Values))]
    public void Each_replica_has_its_own_volume_for_the_write_ahead_log(string values)
    {
        var ledger = Manifests.Of(values).Single<V1StatefulSet>(Name);
        var claim = Assert.Single(ledger.Spec.VolumeClaimTemplates);
        Assert.Equal("data", claim.Metadata.Name);
        Assert.Equal(["ReadWriteOnce"], claim.Spec.AccessModes);
        Assert.True(claim.Spec.Resources.Requests["storage"].ToDecimal() > 0);
        var container = Assert.Single(ledger.Spec.Template.Spec.Containers);
        var mount = Assert.Single(container.VolumeMounts, m => m.Name == "data");
        Assert.NotEqual(true, mount.ReadOnlyProperty);
        var dataDirectory = WorkloadTests.Env(container, "Ledger__DataDirectory").Value;
        Assert.StartsWith(mount.MountPath, dataDirectory, StringComparison.Ordinal);
        Assert.DoesNotContain(ledger.Spec.Template.Spec.Volumes, v => v.Name == "data"); // from the claim, not an emptyDir
    }

    [Fact]
    public void The_snapshot_interval_and_raft_request_timeout_reach_the_replicas_only_when_set()
    {
        var defaults = Assert.Single(Manifests.Of("values.yaml").Single<V1StatefulSet>(Name).Spec.Template.Spec.Containers);
        Assert.DoesNotContain(defaults.Env, e => e.Name is "Ledger__SnapshotInterval" or "Ledger__RaftRequestTimeout");

        var set = Manifests.Parse(Helm.Render("values.yaml", "ledger.snapshotInterval=5000", "ledger.raftRequestTimeout=00:01:00"));
        var container = Assert.Single(set.Single<V1StatefulSet>(Name).Spec.Template.Spec.Containers);
        Assert.Equal("5000", WorkloadTests.Env(container, "Ledger__SnapshotInterval").Value);
        Assert.Equal("00:01:00", WorkloadTests.Env(container, "Ledger__RaftRequestTimeout").Value);

        // 0 turns snapshots off and is rendered; the schema refuses what the service would refuse at start.
        var off = Manifests.Parse(Helm.Render("values.yaml", "ledger.snapshotInterval=0"));
        Assert.Equal("0", WorkloadTests.Env(Assert.Single(off.Single<V1StatefulSet>(Name).Spec.Template.Spec.Containers), "Ledger__SnapshotInterval").Value);
        Assert.NotEqual(0, Helm.Template("values.yaml", "ledger.snapshotInterval=-1").ExitCode);
        Assert.NotEqual(0, Helm.Template("values.yaml", "ledger.raftRequestTimeout=30s").ExitCode);
    }

    [Theory]
    [MemberData(nameof(Values))]
    public void A_headless_service_publishes_every_replica_before_it_is_ready(string values)
    {
        var manifests = Manifests.Of(values);
        var ledger = manifests.Single<V1StatefulSet>(Name);
        var headless = manifests.Single<V1Service>(ledger.Spec.ServiceName);
        Assert.Equal("None", headless.Spec.ClusterIP);
        Assert.True(headless.Spec.PublishNotReadyAddresses, "replicas become ready only once they reach each other");
        Assert.True(WorkloadTests.Selects(headless.Spec.Selector, ledger.Spec.Template.Metadata.Labels));
        var container = Assert.Single(ledger.Spec.Template.Spec.Containers);
        var raft = Assert.Single(container.Ports, p => p.Name == "raft");
        Assert.Contains(headless.Spec.Ports, p => p.Name == "raft" && p.Port == raft.ContainerPort);
        Assert.Contains(headless.Spec.Ports, p => p.Name == "http" && p.Port == Platform.HttpPort);
    }

    [Theory]
    [MemberData(nameof(Values))]
    public void Replicas_are_odd_start_together_and_know_each_other_by_stable_dns_names(string values)
    {
        var ledger = Manifests.Of(values).Single<V1StatefulSet>(Name);
        var replicas = ledger.Spec.Replicas ?? 1;
        Assert.True(replicas >= 3 && replicas % 2 == 1, $"{replicas} replicas");
        Assert.Equal("Parallel", ledger.Spec.PodManagementPolicy);
        var container = Assert.Single(ledger.Spec.Template.Spec.Containers);
        var raftPort = Assert.Single(container.Ports, p => p.Name == "raft").ContainerPort;

        var self = WorkloadTests.Env(container, "Ledger__ReplicaName");
        Assert.Equal("metadata.name", self.ValueFrom.FieldRef.FieldPath); // the pod name: <statefulset>-<ordinal>
        var domain = $"{ledger.Spec.ServiceName}.{Helm.Namespace}.svc.cluster.local";
        for (var i = 0; i < replicas; i++)
        {
            var pod = string.Create(CultureInfo.InvariantCulture, $"{Name}-{i}");
            Assert.Equal(pod, WorkloadTests.Env(container, $"Ledger__Replicas__{i}__Name").Value);
            Assert.Equal(string.Create(CultureInfo.InvariantCulture, $"{pod}.{domain}:{raftPort}"), WorkloadTests.Env(container, $"Ledger__Replicas__{i}__RaftEndPoint").Value);
            Assert.Equal($"http://{pod}.{domain}:{Platform.HttpPort}/", WorkloadTests.Env(container, $"Ledger__Replicas__{i}__ApiUrl").Value);
        }
        Assert.DoesNotContain(container.Env, e => e.Name == string.Create(CultureInfo.InvariantCulture, $"Ledger__Replicas__{replicas}__Name"));
    }

    [Fact]
    public void Changing_the_replica_count_changes_the_membership_and_the_majority()
    {
        var manifests = Manifests.Parse(Helm.Render("values.yaml", "ledger.replicas=5"));
        var container = Assert.Single(manifests.Single<V1StatefulSet>(Name).Spec.Template.Spec.Containers);
        Assert.Equal(5, container.Env.Count(e => e.Name.StartsWith("Ledger__Replicas__", StringComparison.Ordinal) && e.Name.EndsWith("__Name", StringComparison.Ordinal)));
        Assert.Equal("3", manifests.Single<V1PodDisruptionBudget>(Name).Spec.MinAvailable.Value);
    }

    [Theory]
    [MemberData(nameof(Values))]
    public void The_disruption_budget_keeps_a_raft_majority(string values)
    {
        var manifests = Manifests.Of(values);
        var replicas = manifests.Single<V1StatefulSet>(Name).Spec.Replicas ?? 1;
        var pdb = manifests.Single<V1PodDisruptionBudget>(Name);
        Assert.Equal((replicas / 2 + 1).ToString(CultureInfo.InvariantCulture), pdb.Spec.MinAvailable.Value);
        Assert.Null(pdb.Spec.MaxUnavailable);
    }

    [Theory]
    [MemberData(nameof(Values))]
    public void The_cluster_token_comes_from_a_secret(string values)
    {
        var container = Assert.Single(Manifests.Of(values).Single<V1StatefulSet>(Name).Spec.Template.Spec.Containers);
        var token = WorkloadTests.Env(container, "Ledger__ClusterToken");
        Assert.Null(token.Value);
        Assert.False(string.IsNullOrEmpty(token.ValueFrom.SecretKeyRef.Name));
    }

    [Fact]
    public void Production_keeps_the_volumes_and_accepts_direct_submissions_with_tokens_from_a_secret()
    {
        var ledger = Manifests.Of("values-production.yaml").Single<V1StatefulSet>(Name);
        Assert.Equal("Retain", ledger.Spec.PersistentVolumeClaimRetentionPolicy.WhenDeleted);
        Assert.Equal("Retain", ledger.Spec.PersistentVolumeClaimRetentionPolicy.WhenScaled);
        var container = Assert.Single(ledger.Spec.Template.Spec.Containers);
        foreach (var service in new[] { "consent", "record-vault" })
        {
            var token = WorkloadTests.Env(container, $"Ledger__ServiceTokens__{service}");
            Assert.Equal(service, token.ValueFrom.SecretKeyRef.Key);
        }
    }
}
