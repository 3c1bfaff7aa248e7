using k8s.Models;

namespace Platform.Deployment.Tests;

/// <summary>
/// Schema migrations in the chart (docs/deploy.md#schema-migrations): a pre-install/pre-upgrade hook Job per service
/// runs its image with `migrate` and the DDL-capable connection string; the services run with the DML-only one and
/// refuse to start on a pending migration.
/// </summary>
public class MigrationJobTests
{
    public static TheoryData<string> DeployedValues() => ["values.yaml", "values-production.yaml"];

    private static string JobName(string appId) => $"{Platform.ResourceName(appId)}-migrate";

    [Theory]
    [MemberData(nameof(DeployedValues))]
    public void Each_service_has_a_migration_job_that_runs_its_own_image_with_migrate_before_install_and_upgrade(string values)
    {
        var manifests = Manifests.Of(values);
        var jobs = manifests.All<V1Job>().ToList();
        Assert.Equal(Platform.AppIds.Select(JobName).Order(), jobs.Select(j => j.Metadata.Name).Order());
        foreach (var id in Platform.AppIds)
        {
            var job = manifests.Single<V1Job>(JobName(id));
            var annotations = job.Metadata.Annotations;
            Assert.Equal(["pre-install", "pre-upgrade"], annotations["helm.sh/hook"].Split(',').Order());
            var deletePolicy = annotations["helm.sh/hook-delete-policy"].Split(',');
            Assert.Contains("before-hook-creation", deletePolicy); // a rerun replaces the last Job
            Assert.Contains("hook-succeeded", deletePolicy);       // a failed one stays for its logs
            Assert.DoesNotContain("hook-failed", deletePolicy);
            // After the Dapr resources (weight -10) and the migration pods' network policy (-5).
            Assert.True(int.Parse(annotations["helm.sh/hook-weight"], System.Globalization.CultureInfo.InvariantCulture) > -5);

            var pod = job.Spec.Template.Spec;
            Assert.Equal("Never", pod.RestartPolicy);
            Assert.InRange(job.Spec.BackoffLimit ?? 6, 0, 10);
            Assert.True(job.Spec.ActiveDeadlineSeconds is > 0, $"{id}: a migration Job without a deadline can hang the upgrade");
            var container = Assert.Single(pod.Containers);
            var service = Assert.Single(manifests.ServiceWorkloads, w => w.Component == id).MainContainer;
            Assert.Equal(service.Image, container.Image);
            Assert.Equal(["migrate"], container.Args);
            Assert.Null(container.Command); // the image's entrypoint (dotnet /app/<service>.dll) runs, with `migrate`
            Assert.Equal("Postgres", Env(container, "Database__Provider").Value);
            Assert.False(job.Spec.Template.Metadata.Annotations?.ContainsKey("dapr.io/enabled") == true, "a migration needs no sidecar");
            Assert.False(pod.AutomountServiceAccountToken ?? true);
            Assert.Null(pod.ServiceAccountName); // the chart's ServiceAccounts do not exist yet at pre-install
            Assert.DoesNotContain(container.Env, e => e.Name.StartsWith("Keys__", StringComparison.Ordinal) || e.Name.StartsWith("EventBus__", StringComparison.Ordinal));
        }
    }

    [Theory]
    [MemberData(nameof(DeployedValues))]
    public void The_job_reads_the_ddl_connection_string_and_the_service_the_dml_one(string values)
    {
        var manifests = Manifests.Of(values);
        foreach (var id in Platform.AppIds)
        {
            var job = Assert.Single(manifests.All<V1Job>(), j => j.Metadata.Name == JobName(id)).Spec.Template.Spec.Containers[0];
            var service = Assert.Single(manifests.ServiceWorkloads, w => w.Component == id).MainContainer;
            var ddl = Env(job, $"ConnectionStrings__{id}").ValueFrom.SecretKeyRef;
            var dml = Env(service, $"ConnectionStrings__{id}").ValueFrom.SecretKeyRef;
            Assert.Equal(dml.Name, ddl.Name);
            Assert.Equal("migrations-connection-string", ddl.Key);
            Assert.Equal("connection-string", dml.Key);
            Assert.Equal("false", Env(service, "Database__ApplyMigrationsAtStart").Value);
        }
    }

    [Fact]
    public void The_ddl_connection_string_can_live_in_a_secret_of_its_own()
    {
        var manifests = Manifests.Parse(Helm.Render("values.yaml",
            "consent.database.migrationsSecret=platform-consent-db-owner", "consent.database.migrationsKey=owner"));
        var job = manifests.Single<V1Job>(JobName("consent")).Spec.Template.Spec.Containers[0];
        var ddl = Env(job, "ConnectionStrings__consent").ValueFrom.SecretKeyRef;
        Assert.Equal(("platform-consent-db-owner", "owner"), (ddl.Name, ddl.Key));
    }

    [Theory]
    [MemberData(nameof(DeployedValues))]
    public void The_migration_jobs_run_as_non_root_with_the_restricted_security_context(string values)
    {
        // WorkloadTests check every workload (Jobs included) in depth; this pins that the Jobs are among them.
        var jobs = Manifests.Of(values).Workloads.Where(w => w.Kind == "Job").ToList();
        Assert.Equal(Platform.AppIds.Length, jobs.Count);
        foreach (var job in jobs)
        {
            Assert.True(job.IsHook);
            Assert.Equal(Platform.AppUser, job.Spec.SecurityContext.RunAsUser);
            Assert.True(job.Spec.SecurityContext.RunAsNonRoot);
            var sc = job.MainContainer.SecurityContext;
            Assert.True(sc.RunAsNonRoot);
            Assert.False(sc.AllowPrivilegeEscalation);
            Assert.True(sc.ReadOnlyRootFilesystem);
            Assert.Equal(["ALL"], sc.Capabilities.Drop);
            Assert.Equal("RuntimeDefault", sc.SeccompProfile.Type);
        }
    }

    [Theory]
    [MemberData(nameof(DeployedValues))]
    public void The_migration_pods_may_reach_only_dns_and_postgres(string values)
    {
        var manifests = Manifests.Of(values);
        var policy = manifests.Single<V1NetworkPolicy>(Platform.ResourceName("migrations"));
        Assert.Equal("pre-install,pre-upgrade", policy.Metadata.Annotations["helm.sh/hook"]);
        Assert.Equal("-5", policy.Metadata.Annotations["helm.sh/hook-weight"]);
        foreach (var job in manifests.All<V1Job>())
        {
            var labels = job.Spec.Template.Metadata.Labels;
            Assert.All(policy.Spec.PodSelector.MatchLabels, l => Assert.Equal(l.Value, labels[l.Key]));
        }
        Assert.Equal(["Egress", "Ingress"], policy.Spec.PolicyTypes.Order());
        Assert.Empty(policy.Spec.Ingress ?? []);
        Assert.Equal([53, 5432], policy.Spec.Egress.SelectMany(e => e.Ports).Select(p => int.Parse(p.Port.Value, System.Globalization.CultureInfo.InvariantCulture)).Distinct().Order());
        // And no service's policy admits them: they are no service.
        Assert.DoesNotContain(manifests.All<V1NetworkPolicy>().Where(p => p != policy).SelectMany(p => p.Spec.Ingress ?? []).SelectMany(i => i.FromProperty ?? []),
            peer => peer.PodSelector?.MatchLabels?.TryGetValue("app.kubernetes.io/component", out var c) == true && c == "migrations");
    }

    [Fact]
    public void Development_installs_have_no_job_and_the_services_migrate_at_start()
    {
        // The in-chart PostgreSQL is an ordinary object, created after pre-install hooks: a hook Job could not reach it.
        var manifests = Manifests.Of("values-minimal.yaml");
        Assert.Empty(manifests.All<V1Job>());
        Assert.DoesNotContain(manifests.All<V1NetworkPolicy>(), p => p.Metadata.Name == Platform.ResourceName("migrations"));
        Assert.All(manifests.ServiceWorkloads, w => Assert.Equal("true", Env(w.MainContainer, "Database__ApplyMigrationsAtStart").Value));
    }

    [Fact]
    public void Without_the_job_the_services_still_refuse_a_pending_migration_unless_told_to_apply_it()
    {
        var off = Manifests.Parse(Helm.Render("values.yaml", "migrations.job.enabled=false"));
        Assert.Empty(off.All<V1Job>());
        Assert.All(off.ServiceWorkloads, w => Assert.Equal("false", Env(w.MainContainer, "Database__ApplyMigrationsAtStart").Value));

        var atStart = Manifests.Parse(Helm.Render("values.yaml", "migrations.job.enabled=false", "migrations.applyAtStart=true"));
        Assert.All(atStart.ServiceWorkloads, w => Assert.Equal("true", Env(w.MainContainer, "Database__ApplyMigrationsAtStart").Value));
    }

    [Fact]
    public void The_schema_refuses_unknown_migration_settings()
    {
        var result = Helm.Template("values.yaml", "migrations.job.retries=3");
        Assert.NotEqual(0, result.ExitCode);
    }

    private static V1EnvVar Env(V1Container container, string name) =>
        Assert.Single(container.Env, e => e.Name == name);
}
