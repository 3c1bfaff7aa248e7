using k8s.Models;

namespace Platform.Deployment.Tests;

/// <summary>Every pod the chart creates, under each shipped values file: probes, resources, restricted security.</summary>
public class WorkloadTests
{
    public static TheoryData<string> Values() => new(Helm.ValuesFiles);

    [Theory]
    [MemberData(nameof(Values))]
    public void Every_service_runs_as_a_pod_template(string values)
    {
        var manifests = Manifests.Of(values);
        Assert.Equal(Platform.AppIds.Order(), manifests.ServiceWorkloads.Select(w => w.Component!).Order());
        foreach (var id in new[] { "identity", "consent", "record-vault" })
        {
            Assert.Equal("Deployment", Assert.Single(manifests.ServiceWorkloads, w => w.Component == id).Kind);
        }
        Assert.Equal("StatefulSet", Assert.Single(manifests.ServiceWorkloads, w => w.Component == "ledger").Kind);
    }

    [Theory]
    [MemberData(nameof(Values))]
    public void Every_container_has_requests_and_limits(string values)
    {
        foreach (var workload in Manifests.Of(values).Workloads)
        {
            foreach (var container in workload.Spec.Containers.Concat(workload.Spec.InitContainers ?? []))
            {
                var what = $"{workload}/{container.Name}";
                Assert.NotNull(container.Resources?.Limits);
                Assert.NotNull(container.Resources.Requests);
                foreach (var resource in new[] { "cpu", "memory" })
                {
                    Assert.True(container.Resources.Limits.ContainsKey(resource), $"{what}: no {resource} limit");
                    Assert.True(container.Resources.Requests.ContainsKey(resource), $"{what}: no {resource} request");
                    Assert.True(container.Resources.Requests[resource].ToDecimal() <= container.Resources.Limits[resource].ToDecimal(),
                        $"{what}: {resource} request above its limit");
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Values))]
    public void Every_long_running_container_has_startup_liveness_and_readiness_probes(string values)
    {
        var workloads = Manifests.Of(values).Workloads.ToArray();
        Assert.All(workloads.Where(w => w.Kind == "Pod"), w => Assert.True(w.IsHook, $"{w}: a bare Pod that is not a helm test hook"));
        foreach (var workload in workloads.Where(w => !w.IsHook))
        {
            foreach (var container in workload.Spec.Containers)
            {
                var what = $"{workload}/{container.Name}";
                Assert.True(container.StartupProbe is not null, $"{what}: no startup probe");
                Assert.True(container.LivenessProbe is not null, $"{what}: no liveness probe");
                Assert.True(container.ReadinessProbe is not null, $"{what}: no readiness probe");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Values))]
    public void Services_are_probed_on_their_health_endpoints_over_the_http_port(string values)
    {
        foreach (var workload in Manifests.Of(values).ServiceWorkloads)
        {
            var container = workload.MainContainer;
            var http = Assert.Single(container.Ports, p => p.Name == "http");
            Assert.Equal(Platform.HttpPort, http.ContainerPort);
            Assert.Equal("/health/live", container.LivenessProbe.HttpGet.Path);
            Assert.Equal("/health/live", container.StartupProbe.HttpGet.Path);
            Assert.Equal("/health/ready", container.ReadinessProbe.HttpGet.Path);
            foreach (var probe in new[] { container.LivenessProbe, container.ReadinessProbe, container.StartupProbe })
            {
                Assert.Equal("http", probe.HttpGet.Port.Value);
            }
            Assert.Equal("8080", Env(container, "ASPNETCORE_HTTP_PORTS").Value);
        }
    }

    [Theory]
    [MemberData(nameof(Values))]
    public void Every_container_runs_with_the_restricted_security_context(string values)
    {
        foreach (var workload in Manifests.Of(values).Workloads)
        {
            var pod = workload.Spec.SecurityContext;
            Assert.NotNull(pod);
            Assert.NotEqual(true, workload.Spec.HostNetwork);
            Assert.NotEqual(true, workload.Spec.HostPID);
            Assert.NotEqual(true, workload.Spec.HostIPC);
            Assert.All(workload.Spec.Volumes ?? [], v => Assert.True(v.HostPath is null, $"{workload}: hostPath volume {v.Name}"));
            foreach (var container in workload.Spec.Containers.Concat(workload.Spec.InitContainers ?? []))
            {
                var what = $"{workload}/{container.Name}";
                var sc = container.SecurityContext;
                Assert.True(sc is not null, $"{what}: no security context");
                Assert.True((sc.RunAsNonRoot ?? pod.RunAsNonRoot) == true, $"{what}: runAsNonRoot is not set");
                var uid = sc.RunAsUser ?? pod.RunAsUser;
                Assert.True(uid is > 0, $"{what}: runs as uid {uid}");
                Assert.True(sc.AllowPrivilegeEscalation == false, $"{what}: allowPrivilegeEscalation is not false");
                Assert.True(sc.ReadOnlyRootFilesystem == true, $"{what}: the root filesystem is writable");
                Assert.NotEqual(true, sc.Privileged);
                Assert.Contains("ALL", sc.Capabilities?.Drop ?? []);
                Assert.Empty(sc.Capabilities?.Add ?? []);
                var seccomp = sc.SeccompProfile?.Type ?? pod.SeccompProfile?.Type;
                Assert.True(seccomp == "RuntimeDefault", $"{what}: seccomp profile {seccomp ?? "(none)"}");
                Assert.True(workload.Spec.Volumes?.Any(v => v.EmptyDir is not null
                        && container.VolumeMounts?.Any(m => m.Name == v.Name && m.MountPath == "/tmp") == true) == true,
                    $"{what}: no emptyDir at /tmp for a read-only root filesystem");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Values))]
    public void Services_run_as_the_images_app_user_1654(string values)
    {
        foreach (var workload in Manifests.Of(values).ServiceWorkloads)
        {
            Assert.Equal(Platform.AppUser, workload.MainContainer.SecurityContext.RunAsUser);
            Assert.Equal(Platform.AppUser, workload.Spec.SecurityContext.RunAsUser);
            Assert.Equal(Platform.AppUser, workload.Spec.SecurityContext.FsGroup);
        }
    }

    [Theory]
    [MemberData(nameof(Values))]
    public void Every_service_pod_template_carries_the_dapr_annotations_with_its_own_app_id(string values)
    {
        var manifests = Manifests.Of(values);
        var configuration = Assert.Single(manifests.All<DaprConfiguration>()).Metadata.Name;
        foreach (var workload in manifests.ServiceWorkloads)
        {
            var a = workload.Annotations;
            Assert.Equal("true", a["dapr.io/enabled"]);
            Assert.Equal(workload.Component, a["dapr.io/app-id"]);
            Assert.Equal(workload.Component, workload.MainContainer.Name);
            Assert.Equal("8080", a["dapr.io/app-port"]);
            Assert.Equal(configuration, a["dapr.io/config"]);
            Assert.Equal("true", a["dapr.io/enable-metrics"]);
            Assert.Equal("RuntimeDefault", a["dapr.io/sidecar-seccomp-profile-type"]);
            foreach (var key in new[] { "sidecar-cpu-request", "sidecar-memory-request", "sidecar-cpu-limit", "sidecar-memory-limit" })
            {
                Assert.False(string.IsNullOrEmpty(a.TryGetValue($"dapr.io/{key}", out var v) ? v : null), $"{workload}: dapr.io/{key}");
            }
            // The app refuses event deliveries without the token the sidecar is given (EventBus:AppApiToken).
            var appToken = a["dapr.io/app-token-secret"];
            var env = Env(workload.MainContainer, "EventBus__AppApiToken");
            Assert.Equal(appToken, env.ValueFrom.SecretKeyRef.Name);
            Assert.Equal("token", env.ValueFrom.SecretKeyRef.Key);
            Assert.False(string.IsNullOrEmpty(a["dapr.io/api-token-secret"]));
        }
    }

    [Theory]
    [MemberData(nameof(Values))]
    public void Pods_that_are_not_services_get_no_sidecar(string values)
    {
        foreach (var workload in Manifests.Of(values).Workloads.Where(w => !Platform.AppIds.Contains(w.Component)))
        {
            Assert.False(workload.Annotations.ContainsKey("dapr.io/enabled"), $"{workload} would get a Dapr sidecar");
        }
    }

    [Theory]
    [MemberData(nameof(Values))]
    public void Service_accounts_are_per_service(string values)
    {
        var manifests = Manifests.Of(values);
        foreach (var workload in manifests.ServiceWorkloads)
        {
            Assert.Equal(Platform.ResourceName(workload.Component!), workload.Spec.ServiceAccountName);
            manifests.Single<V1ServiceAccount>(workload.Spec.ServiceAccountName);
        }
        foreach (var workload in manifests.Workloads.Where(w => !Platform.AppIds.Contains(w.Component)))
        {
            Assert.False(workload.Spec.AutomountServiceAccountToken ?? true, $"{workload} mounts an API token it does not need");
        }
    }

    [Fact]
    public void Stateless_services_scale_with_a_horizontal_autoscaler_and_keep_two_replicas_by_default()
    {
        var manifests = Manifests.Of("values.yaml");
        foreach (var id in new[] { "identity", "consent", "record-vault" })
        {
            var deployment = manifests.Single<V1Deployment>(Platform.ResourceName(id));
            Assert.Null(deployment.Spec.Replicas); // the autoscaler owns the count
            var hpa = manifests.Single<V2HorizontalPodAutoscaler>(Platform.ResourceName(id));
            Assert.Equal("Deployment", hpa.Spec.ScaleTargetRef.Kind);
            Assert.Equal(deployment.Metadata.Name, hpa.Spec.ScaleTargetRef.Name);
            Assert.True(hpa.Spec.MinReplicas >= 2, $"{id}: minReplicas {hpa.Spec.MinReplicas}");
            Assert.True(hpa.Spec.MaxReplicas >= hpa.Spec.MinReplicas);
            Assert.Equal("0", deployment.Spec.Strategy.RollingUpdate.MaxUnavailable.Value); // a rollout never drops below the count
        }
        Assert.DoesNotContain(manifests.All<V2HorizontalPodAutoscaler>(), h => h.Spec.ScaleTargetRef.Kind == "StatefulSet");
    }

    [Theory]
    [MemberData(nameof(Values))]
    public void Disruption_budgets_select_the_pods_they_protect(string values)
    {
        var manifests = Manifests.Of(values);
        foreach (var pdb in manifests.All<V1PodDisruptionBudget>())
        {
            var protectedPods = manifests.Workloads.Where(w => Selects(pdb.Spec.Selector.MatchLabels, w.Metadata.Labels)).ToArray();
            Assert.True(protectedPods.Length == 1, $"{pdb.Metadata.Name} selects {protectedPods.Length} workloads");
        }
        var expected = values == "values-minimal.yaml" ? new[] { "ledger" } : Platform.ImageIds;
        Assert.Equal(expected.Select(Platform.ResourceName).Order(), manifests.All<V1PodDisruptionBudget>().Select(p => p.Metadata.Name).Order());
    }

    [Fact]
    public void The_minimal_install_runs_one_replica_per_stateless_service_without_autoscalers()
    {
        var manifests = Manifests.Of("values-minimal.yaml");
        Assert.Empty(manifests.All<V2HorizontalPodAutoscaler>());
        foreach (var id in new[] { "identity", "consent", "record-vault" })
        {
            Assert.Equal(1, manifests.Single<V1Deployment>(Platform.ResourceName(id)).Spec.Replicas);
        }
    }

    [Theory]
    [MemberData(nameof(Values))]
    public void Every_service_has_a_cluster_ip_service_on_its_http_port(string values)
    {
        var manifests = Manifests.Of(values);
        foreach (var workload in manifests.ServiceWorkloads)
        {
            var service = manifests.Single<V1Service>(Platform.ResourceName(workload.Component!));
            Assert.True(Selects(service.Spec.Selector, workload.Metadata.Labels), $"{service.Metadata.Name} does not select {workload}");
            var http = Assert.Single(service.Spec.Ports, p => p.Name == "http");
            Assert.Equal(Platform.HttpPort, http.Port);
            Assert.Equal("http", http.TargetPort.Value);
        }
    }

    [Fact]
    public void Production_scrapes_every_sidecar_and_routes_every_public_api()
    {
        var manifests = Manifests.Of("values-production.yaml");
        foreach (var id in Platform.AppIds)
        {
            var monitor = manifests.Single<ServiceMonitor>(Platform.ResourceName(id));
            var service = manifests.Single<V1Service>(Platform.ResourceName(id));
            var port = Tree.Text(Assert.Single(Tree.Items(Tree.At(monitor.Spec, "endpoints"))), "port");
            Assert.Contains(service.Spec.Ports, p => p.Name == port);
            var ingress = manifests.Single<V1Ingress>(Platform.ResourceName(id));
            var backend = Assert.Single(Assert.Single(ingress.Spec.Rules).Http.Paths).Backend.Service;
            Assert.Equal(service.Metadata.Name, backend.Name);
            Assert.Equal("http", backend.Port.Name);
        }
        Assert.Empty(Manifests.Of("values.yaml").All<ServiceMonitor>());
        Assert.Empty(Manifests.Of("values.yaml").All<V1Ingress>());
    }

    internal static V1EnvVar Env(V1Container container, string name) =>
        Assert.Single(container.Env, e => e.Name == name);

    internal static bool Selects(IDictionary<string, string>? selector, IDictionary<string, string>? labels) =>
        selector is { Count: > 0 } && labels is not null && selector.All(s => labels.TryGetValue(s.Key, out var v) && v == s.Value);
}
