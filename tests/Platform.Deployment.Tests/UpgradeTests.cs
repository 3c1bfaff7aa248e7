using k8s.Models;

namespace Platform.Deployment.Tests;

/// <summary>
/// What makes <c>helm upgrade</c> roll without downtime: surge before removal, disruption budgets, a pause before
/// shutdown while endpoints drop the pod; the ledger one replica at a time, each ready (a leader known) before the
/// next, optionally staged by a partition. docs/deploy.md#upgrade describes the procedure.
/// </summary>
public class UpgradeTests
{
    public static TheoryData<string> Values() => new(Helm.ValuesFiles);

    [Theory]
    [MemberData(nameof(Values))]
    public void Stateless_services_add_a_pod_before_removing_one(string values)
    {
        foreach (var deployment in Manifests.Of(values).All<V1Deployment>().Where(d => Platform.AppIds.Contains(Component(d.Metadata))))
        {
            Assert.Equal("RollingUpdate", deployment.Spec.Strategy.Type);
            Assert.Equal("0", deployment.Spec.Strategy.RollingUpdate.MaxUnavailable.Value);
            Assert.NotEqual("0", deployment.Spec.Strategy.RollingUpdate.MaxSurge.Value);
        }
    }

    [Theory]
    [MemberData(nameof(Values))]
    public void Every_service_keeps_serving_while_its_endpoints_drop_it_and_stops_within_the_grace_period(string values)
    {
        foreach (var workload in Manifests.Of(values).ServiceWorkloads)
        {
            var sleep = workload.MainContainer.Lifecycle?.PreStop?.Sleep?.Seconds;
            Assert.True(sleep is > 0, $"{workload}: no preStop sleep");
            // The sleep, then ASP.NET Core's own shutdown (30 s default host timeout is cut by the kubelet's grace).
            Assert.True(workload.Spec.TerminationGracePeriodSeconds >= sleep + 15, $"{workload}: grace period too short after a {sleep} s sleep");
            // The Dapr sidecar outlives the app's shutdown so that in-flight publishes complete.
            Assert.True(int.Parse(workload.Annotations["dapr.io/graceful-shutdown-seconds"], System.Globalization.CultureInfo.InvariantCulture) > sleep);
        }
    }

    [Theory]
    [MemberData(nameof(Values))]
    public void The_ledger_rolls_one_ready_replica_at_a_time_and_keeps_a_majority(string values)
    {
        var manifests = Manifests.Of(values);
        var ledger = manifests.Single<V1StatefulSet>(Platform.ResourceName("ledger"));
        Assert.Equal("RollingUpdate", ledger.Spec.UpdateStrategy.Type);
        Assert.Equal(0, ledger.Spec.UpdateStrategy.RollingUpdate.Partition);
        Assert.True(ledger.Spec.MinReadySeconds > 0);
        // Ready means a leader is known (RaftHealthCheck), so the next replica waits for this one to rejoin.
        Assert.Equal("/health/ready", Assert.Single(ledger.Spec.Template.Spec.Containers).ReadinessProbe.HttpGet.Path);
        var budget = Assert.Single(manifests.All<V1PodDisruptionBudget>(), b => b.Metadata.Name == Platform.ResourceName("ledger"));
        var replicas = ledger.Spec.Replicas!.Value;
        var mayLose = budget.Spec.MaxUnavailable is { } max ? int.Parse(max.Value, System.Globalization.CultureInfo.InvariantCulture) : replicas - int.Parse(budget.Spec.MinAvailable.Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(replicas - mayLose > replicas / 2, $"the budget lets {mayLose} of {replicas} replicas go: no majority left");
    }

    [Fact]
    public void A_staged_ledger_rollout_updates_only_the_replicas_above_the_partition()
    {
        var ledger = Manifests.Parse(Helm.Render("values.yaml", "ledger.rollout.partition=2")).Single<V1StatefulSet>(Platform.ResourceName("ledger"));
        Assert.Equal(2, ledger.Spec.UpdateStrategy.RollingUpdate.Partition);
    }

    [Theory]
    [InlineData("1.29.9", false)]
    [InlineData("1.30.0", true)]
    [InlineData("1.34.1", true)]
    public void The_chart_installs_on_the_Kubernetes_versions_the_docs_state(string version, bool installs)
    {
        // The preStop sleep action is on by default from Kubernetes 1.30.
        var result = Helm.Run("template", Helm.Release, Repository.ChartDirectory, "--namespace", Helm.Namespace, "--kube-version", version);
        Assert.Equal(installs, result.ExitCode == 0);
        Assert.Contains("| Kubernetes | 1.30 or later |", Repository.Read("docs", "deploy.md"), StringComparison.Ordinal);
    }

    private static string Component(V1ObjectMeta metadata) =>
        metadata.Labels?.TryGetValue("app.kubernetes.io/component", out var c) == true ? c : "";
}
