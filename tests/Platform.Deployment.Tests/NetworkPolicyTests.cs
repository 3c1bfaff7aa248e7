using k8s.Models;

namespace Platform.Deployment.Tests;

/// <summary>Every pod is isolated both ways and opens only the flows the architecture needs.</summary>
public class NetworkPolicyTests
{
    public static TheoryData<string> Values() => new(Helm.ValuesFiles);

    [Theory]
    [MemberData(nameof(Values))]
    public void Every_pod_is_selected_by_a_policy_for_both_directions(string values)
    {
        var manifests = Manifests.Of(values);
        foreach (var workload in manifests.Workloads)
        {
            var policies = manifests.All<V1NetworkPolicy>().Where(p => WorkloadTests.Selects(p.Spec.PodSelector.MatchLabels, workload.Metadata.Labels)).ToArray();
            Assert.True(policies.Length > 0, $"{workload} is not isolated");
            Assert.Contains(policies, p => p.Spec.PolicyTypes.Contains("Ingress"));
            Assert.Contains(policies, p => p.Spec.PolicyTypes.Contains("Egress"));
        }
    }

    [Fact]
    public void Only_record_vault_reaches_the_consent_sidecar()
    {
        var manifests = Manifests.Of("values.yaml");
        var consent = Policy(manifests, "consent");
        var sidecarRules = consent.Spec.Ingress.Where(r => r.Ports?.Any(p => p.Port.Value == "50002") == true).ToArray();
        var from = Assert.Single(Assert.Single(sidecarRules).FromProperty);
        Assert.Equal("record-vault", from.PodSelector.MatchLabels["app.kubernetes.io/component"]);
        Assert.Contains(Policy(manifests, "record-vault").Spec.Egress, r => r.Ports?.Any(p => p.Port.Value == "50002") == true);
        foreach (var other in new[] { "identity", "ledger" })
        {
            Assert.DoesNotContain(Policy(manifests, other).Spec.Egress, r => r.Ports?.Any(p => p.Port.Value == "50002") == true);
        }
    }

    [Fact]
    public void Only_ledger_replicas_reach_the_raft_port()
    {
        var manifests = Manifests.Of("values.yaml");
        var raft = Assert.Single(Assert.Single(manifests.Single<V1StatefulSet>(Platform.ResourceName("ledger")).Spec.Template.Spec.Containers).Ports, p => p.Name == "raft").ContainerPort;
        var rule = Assert.Single(Policy(manifests, "ledger").Spec.Ingress, r => r.Ports?.Any(p => p.Port.Value == raft.ToString(System.Globalization.CultureInfo.InvariantCulture)) == true);
        Assert.Equal("ledger", Assert.Single(rule.FromProperty).PodSelector.MatchLabels["app.kubernetes.io/component"]);
    }

    [Fact]
    public void The_identity_service_accepts_the_other_services_and_the_ingress_controller_only()
    {
        var identity = Policy(Manifests.Of("values.yaml"), "identity");
        var callers = identity.Spec.Ingress.SelectMany(r => r.FromProperty)
            .Select(p => p.PodSelector?.MatchLabels?.TryGetValue("app.kubernetes.io/component", out var c) == true ? c : p.NamespaceSelector is not null ? "namespace" : "?")
            .Order()
            .ToArray();
        Assert.Equal(["clinician-portal", "consent", "ledger", "namespace", "record-vault", "smoke-test"], callers);
    }

    [Fact]
    public void Development_datastores_accept_only_the_services_and_open_nothing()
    {
        var manifests = Manifests.Of("values-minimal.yaml");
        foreach (var store in new[] { "dev-postgres", "dev-redis" })
        {
            var policy = Policy(manifests, store);
            Assert.Empty(policy.Spec.Egress ?? []);
            var from = Assert.Single(Assert.Single(policy.Spec.Ingress).FromProperty);
            Assert.Equal(Platform.AppIds.Order(), from.PodSelector.MatchExpressions.Single(e => e.Key == "app.kubernetes.io/component").Values.Order());
        }
        var consent = Policy(manifests, "consent");
        Assert.Contains(consent.Spec.Egress, r => r.To?.Any(t => t.PodSelector?.MatchLabels?["app.kubernetes.io/component"] == "dev-postgres") == true);
    }

    [Fact]
    public void Load_balancers_that_target_pods_directly_can_be_let_in_to_the_public_apis_only()
    {
        var manifests = Manifests.Parse(Helm.Render("values.yaml", "networkPolicy.publicApi.extraFrom[0].ipBlock.cidr=10.20.0.0/16"));
        foreach (var id in Platform.AppIds)
        {
            var rule = Assert.Single(Policy(manifests, id).Spec.Ingress, r => r.FromProperty.Any(p => p.IpBlock?.Cidr == "10.20.0.0/16"));
            Assert.Equal(["8080"], rule.Ports.Select(p => p.Port.Value));
        }
        Assert.DoesNotContain(Policy(Manifests.Of("values.yaml"), "identity").Spec.Ingress, r => r.FromProperty.Any(p => p.IpBlock is not null));
    }

    [Theory]
    [MemberData(nameof(Values))]
    public void DNS_may_go_to_NodeLocal_DNSCache_on_the_node(string values)
    {
        foreach (var id in Platform.AppIds)
        {
            var dns = Assert.Single(Policy(Manifests.Of(values), id).Spec.Egress, r => r.Ports?.Any(p => p.Port.Value == "53") == true);
            Assert.Contains(dns.To, t => t.IpBlock?.Cidr == "169.254.20.10/32");
            Assert.Contains(dns.To, t => t.NamespaceSelector is not null);
        }
    }

    [Fact]
    public void Production_narrows_the_API_server_to_endpoint_addresses_not_the_service_ClusterIP()
    {
        // The default `kubernetes` Service's ClusterIP is the first address of the service range (10.0.0.1 in the
        // production example); policies see the endpoint after translation, so that address would block it.
        var egress = Policy(Manifests.Of("values-production.yaml"), "consent").Spec.Egress;
        var api = Assert.Single(egress, r => r.Ports?.Any(p => p.Port.Value == "6443") == true);
        Assert.DoesNotContain(api.To, t => t.IpBlock?.Cidr == "10.0.0.1/32");
        Assert.All(api.To, t => Assert.EndsWith("/32", t.IpBlock.Cidr, StringComparison.Ordinal));
    }

    [Fact]
    public void Policies_can_be_turned_off()
    {
        Assert.Empty(Manifests.Parse(Helm.Render("values.yaml", "networkPolicy.enabled=false")).All<V1NetworkPolicy>());
    }

    private static V1NetworkPolicy Policy(Manifests manifests, string id) => manifests.Single<V1NetworkPolicy>(Platform.ResourceName(id));
}
