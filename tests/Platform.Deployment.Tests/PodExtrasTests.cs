using k8s.Models;

namespace Platform.Deployment.Tests;

/// <summary>
/// What a platform team adds to every service pod without forking the chart (values `pod.*`): a private CA bundle
/// trusted by the services and their sidecars, extra volumes and mounts, init containers.
/// </summary>
public class PodExtrasTests
{
    [Fact]
    public void A_private_CA_is_mounted_and_trusted_beside_the_system_store_in_every_service_and_sidecar()
    {
        var manifests = Manifests.Parse(Helm.Render("values.yaml", "pod.trustedCA.configMap=corp-ca", "pod.trustedCA.key=bundle.pem"));
        foreach (var workload in manifests.ServiceWorkloads)
        {
            var volume = Assert.Single(workload.Spec.Volumes, v => v.Name == "trusted-ca");
            Assert.Equal("corp-ca", volume.ConfigMap.Name);
            Assert.Equal("bundle.pem", Assert.Single(volume.ConfigMap.Items).Key);
            var mount = Assert.Single(workload.MainContainer.VolumeMounts, m => m.Name == "trusted-ca");
            Assert.Equal("/etc/platform/ca", mount.MountPath);
            Assert.True(mount.ReadOnlyProperty);
            // Both directories: the system's CAs stay trusted (tests/tools/check-ssl-cert-dir.sh shows .NET reads the list).
            var certDirs = Assert.Single(workload.MainContainer.Env, e => e.Name == "SSL_CERT_DIR").Value.Split(':');
            Assert.Equal(["/etc/ssl/certs", "/etc/platform/ca"], certDirs);
            Assert.Equal("trusted-ca:/etc/platform/ca", workload.Annotations["dapr.io/volume-mounts"]);
            Assert.Equal("SSL_CERT_DIR=/etc/ssl/certs:/etc/platform/ca", workload.Annotations["dapr.io/env"]);
        }
    }

    [Fact]
    public void The_migration_jobs_trust_the_private_CA_too()
    {
        // The Jobs connect to PostgreSQL with the DDL user; VerifyFull needs the same CA as the services.
        var manifests = Manifests.Parse(Helm.Render("values-production.yaml", "pod.trustedCA.configMap=corp-ca"));
        var jobs = manifests.All<V1Job>().ToArray();
        Assert.NotEmpty(jobs);
        foreach (var job in jobs)
        {
            var pod = job.Spec.Template.Spec;
            Assert.Equal("corp-ca", Assert.Single(pod.Volumes, v => v.Name == "trusted-ca").ConfigMap.Name);
            var container = Assert.Single(pod.Containers);
            Assert.Equal("/etc/platform/ca", Assert.Single(container.VolumeMounts, m => m.Name == "trusted-ca").MountPath);
            Assert.Equal("/etc/ssl/certs:/etc/platform/ca", Assert.Single(container.Env, e => e.Name == "SSL_CERT_DIR").Value);
        }
    }

    [Fact]
    public void A_CA_bundle_can_come_from_a_secret()
    {
        var manifests = Manifests.Parse(Helm.Render("values.yaml", "pod.trustedCA.secret=corp-ca"));
        Assert.All(manifests.ServiceWorkloads, w => Assert.Equal("corp-ca", Assert.Single(w.Spec.Volumes, v => v.Name == "trusted-ca").Secret.SecretName));
    }

    [Fact]
    public void Without_a_CA_nothing_is_added()
    {
        foreach (var workload in Manifests.Of("values.yaml").ServiceWorkloads)
        {
            Assert.DoesNotContain(workload.Spec.Volumes, v => v.Name == "trusted-ca");
            Assert.DoesNotContain(workload.MainContainer.Env, e => e.Name == "SSL_CERT_DIR");
            Assert.False(workload.Annotations.ContainsKey("dapr.io/env"));
        }
    }

    [Fact]
    public void A_bundle_from_both_a_config_map_and_a_secret_is_refused()
    {
        var result = Helm.Template("values.yaml", "pod.trustedCA.configMap=a", "pod.trustedCA.secret=b");
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("/pod/trustedCA", result.StandardError);
    }

    [Fact]
    public void Extra_volumes_mounts_and_init_containers_reach_every_service_pod()
    {
        var manifests = Manifests.Parse(Helm.Render("values.yaml",
            "pod.extraVolumes[0].name=vendor", "pod.extraVolumes[0].emptyDir.sizeLimit=16Mi",
            "pod.extraVolumeMounts[0].name=vendor", "pod.extraVolumeMounts[0].mountPath=/opt/vendor", "pod.extraVolumeMounts[0].readOnly=true",
            "pod.initContainers[0].name=fetch", "pod.initContainers[0].image=registry.example.org/fetch:1",
            "pod.initContainers[0].resources.requests.cpu=10m", "pod.initContainers[0].resources.requests.memory=16Mi",
            "pod.initContainers[0].resources.limits.cpu=100m", "pod.initContainers[0].resources.limits.memory=64Mi"));
        foreach (var workload in manifests.ServiceWorkloads)
        {
            Assert.Equal("16Mi", Assert.Single(workload.Spec.Volumes, v => v.Name == "vendor").EmptyDir.SizeLimit.ToString());
            Assert.Equal("/opt/vendor", Assert.Single(workload.MainContainer.VolumeMounts, m => m.Name == "vendor").MountPath);
            Assert.Equal("registry.example.org/fetch:1", Assert.Single(workload.Spec.InitContainers).Image);
            // The chart's own volumes stay.
            Assert.Contains(workload.Spec.Volumes, v => v.Name == "tmp");
        }
    }
}
