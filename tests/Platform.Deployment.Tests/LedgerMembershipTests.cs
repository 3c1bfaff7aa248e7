using k8s.Models;

namespace Platform.Deployment.Tests;

/// <summary>The chart's side of ledger membership changes: which replicas found the cluster, and the admin token.</summary>
public class LedgerMembershipTests
{
    private static readonly string Name = Platform.ResourceName("ledger");

    private static V1Container Ledger(params string[] sets) =>
        Assert.Single(Manifests.Parse(Helm.Render("values.yaml", sets)).Single<V1StatefulSet>(Name).Spec.Template.Spec.Containers);

    [Fact]
    public void By_default_every_listed_replica_founds_the_cluster_and_no_static_admin_token_is_read()
    {
        var container = Ledger();
        Assert.DoesNotContain(container.Env, e => e.Name == "Ledger__InitialMembers");
        Assert.DoesNotContain(container.Env, e => e.Name == "Ledger__AdminToken");
    }

    [Fact]
    public void Scaling_up_keeps_the_founders_so_new_replicas_wait_to_be_added()
    {
        var container = Ledger("ledger.replicas=5", "ledger.membership.initialMembers=3", "ledger.membership.adminTokenSecret.name=platform-ledger-admin");
        Assert.Equal("3", WorkloadTests.Env(container, "Ledger__InitialMembers").Value);
        Assert.NotNull(WorkloadTests.Env(container, "Ledger__Replicas__4__Name"));
        var token = WorkloadTests.Env(container, "Ledger__AdminToken");
        Assert.Null(token.Value);
        Assert.Equal(("platform-ledger-admin", "token"), (token.ValueFrom.SecretKeyRef.Name, token.ValueFrom.SecretKeyRef.Key));
    }

    [Fact]
    public void More_founders_than_replicas_does_not_render()
    {
        var result = Helm.Template("values.yaml", "ledger.replicas=3", "ledger.membership.initialMembers=5");
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("initialMembers cannot exceed ledger.replicas", result.StandardError, StringComparison.Ordinal);
    }
}
