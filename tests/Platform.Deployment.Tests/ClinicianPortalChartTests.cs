using System.Text.RegularExpressions;
using k8s.Models;

namespace Platform.Deployment.Tests;

/// <summary>
/// The clinician portal in the chart (templates/clinician-portal.yaml): its workload, the settings it reads
/// (checked against PortalOptions and docs/clinician-portal.md), the clinician-portal client the identity service
/// registers at the portal's public origin, and the flows its network policy opens.
/// </summary>
public partial class ClinicianPortalChartTests
{
    public static TheoryData<string> Values() => new(Helm.ValuesFiles);

    private static readonly string PortalName = Platform.ResourceName(Platform.Portal);

    [Theory]
    [MemberData(nameof(Values))]
    public void The_portal_is_a_deployment_without_a_sidecar_service_account_token_or_database(string values)
    {
        var manifests = Manifests.Of(values);
        var portal = Assert.Single(manifests.ImageWorkloads, w => w.Component == Platform.Portal);
        Assert.Equal("Deployment", portal.Kind);
        // It publishes and consumes no events and calls the APIs with the clinician's token: no Dapr sidecar.
        Assert.DoesNotContain(portal.Annotations.Keys, k => k.StartsWith("dapr.io/", StringComparison.Ordinal));
        Assert.False(portal.Spec.AutomountServiceAccountToken);
        Assert.False(manifests.Single<V1ServiceAccount>(PortalName).AutomountServiceAccountToken);
        var env = portal.MainContainer.Env.Select(e => e.Name).ToArray();
        Assert.DoesNotContain(env, n => n.StartsWith("ConnectionStrings__", StringComparison.Ordinal) && n != "ConnectionStrings__Redis");
        Assert.DoesNotContain(env, n => n.StartsWith("Keys__", StringComparison.Ordinal) || n.StartsWith("EventBus__", StringComparison.Ordinal));
        // The same user as the services, on the same port, probed on the same health endpoints.
        Assert.Equal(Platform.AppUser, portal.Spec.SecurityContext.RunAsUser);
        Assert.Equal(Platform.HttpPort, Assert.Single(portal.MainContainer.Ports).ContainerPort);
        Assert.Equal("/health/ready", portal.MainContainer.ReadinessProbe.HttpGet.Path);
        Assert.Equal("/health/live", portal.MainContainer.LivenessProbe.HttpGet.Path);
        var service = manifests.Single<V1Service>(PortalName);
        Assert.True(WorkloadTests.Selects(service.Spec.Selector, portal.Metadata.Labels));
        Assert.Equal("http", Assert.Single(service.Spec.Ports).TargetPort.Value);
    }

    [Theory]
    [MemberData(nameof(Values))]
    public void The_portal_reads_only_settings_the_portal_has_and_finds_the_apis_at_their_services(string values)
    {
        var manifests = Manifests.Of(values);
        var container = Assert.Single(manifests.ImageWorkloads, w => w.Component == Platform.Portal).MainContainer;
        var identity = Assert.Single(manifests.ServiceWorkloads, w => w.Component == "identity").MainContainer;

        // Signs in at the identity service's public issuer.
        Assert.Equal(Env(identity, "Identity__Issuer").Value, Env(container, "Authentication__Authority").Value);
        Assert.Equal("clinician-portal", Env(container, "Portal__ClientId").Value);

        // Every Portal:* key is a property of PortalOptions (the code) and a row of docs/clinician-portal.md.
        var options = Repository.Read("services", "ClinicianPortal", "Platform.ClinicianPortal", "PortalOptions.cs");
        var docs = Repository.Read("docs", "clinician-portal.md");
        foreach (var name in container.Env.Select(e => e.Name).Where(n => n.StartsWith("Portal__", StringComparison.Ordinal)))
        {
            var property = name["Portal__".Length..];
            Assert.Matches($@"public \S+ {property} \{{ get; set; \}}", options);
            Assert.Contains($"`Portal:{property}`", docs, StringComparison.Ordinal);
        }

        // The API URLs name Services of this release on their http port.
        foreach (var (key, id) in new[] { ("Portal__ConsentUrl", "consent"), ("Portal__RecordVaultUrl", "record-vault") })
        {
            var url = new Uri(Env(container, key).Value);
            var service = manifests.Single<V1Service>(url.Host);
            Assert.Equal(id, service.Spec.Selector["app.kubernetes.io/component"]);
            Assert.Contains(service.Spec.Ports, p => p.Port == url.Port && p.Name == "http");
        }

        // Several replicas share the key ring and the session tickets: the services' own Redis Secret.
        var redis = Env(container, "ConnectionStrings__Redis").ValueFrom.SecretKeyRef;
        Assert.Equal(Env(identity, "ConnectionStrings__Redis").ValueFrom.SecretKeyRef.Name, redis.Name);
        Assert.Equal(Env(identity, "ConnectionStrings__Redis").ValueFrom.SecretKeyRef.Key, redis.Key);
        Assert.All(container.Env.Where(e => e.Value is not null), e => Assert.DoesNotMatch("(?i)password|secret=", e.Value));
    }

    [Theory]
    [InlineData("values.yaml", "https://clinicians.example.com/")]
    [InlineData("values-production.yaml", "https://clinicians.health.example.org/")]
    [InlineData("values-minimal.yaml", "http://localhost:5173/")]
    public void The_identity_service_registers_the_portal_client_at_the_public_origin_from_values(string values, string origin)
    {
        var client = PortalClient(Manifests.Of(values));
        Assert.Equal("public", client["Type"]);
        Assert.Equal("implicit", client["ConsentType"]);
        Assert.Equal(["authorization_code"], List(client, "GrantTypes"));
        Assert.Equal([origin + "callback"], List(client, "RedirectUris"));
        Assert.Equal([origin + "signout-callback", origin], List(client, "PostLogoutRedirectUris"));
        // The scopes the portal asks for (SignIn/PortalSignIn.cs), no more.
        var signIn = Repository.Read("services", "ClinicianPortal", "Platform.ClinicianPortal", "SignIn", "PortalSignIn.cs");
        var asked = Regex.Match(signIn, "Scopes = \"([^\"]+)\"").Groups[1].Value.Split(' ');
        Assert.Equal(asked.Order(), List(client, "Scopes").Order());
        Assert.False(client.ContainsKey("ClientSecret"));
    }

    [Theory]
    [InlineData("values.yaml", "https://clinicians.example.com/")]
    [InlineData("values-production.yaml", "https://clinicians.health.example.org/")]
    [InlineData("values-minimal.yaml", "http://localhost:5173/")]
    public void The_portal_client_requires_dpop_and_takes_logout_tokens_at_its_origin(string values, string origin)
    {
        var client = PortalClient(Manifests.Of(values));
        Assert.Equal("true", client["RequireDpop"]);
        Assert.Equal(origin + BackchannelLogoutPath, client["BackchannelLogoutUri"]);
        Assert.Equal("true", client["BackchannelLogoutSessionRequired"]);
    }

    [Theory]
    [InlineData("values.yaml")]
    [InlineData("values-production.yaml")]
    [InlineData("values-minimal.yaml")]
    public void The_patient_pages_clients_take_logout_tokens_at_their_origin_and_send_no_dpop(string values)
    {
        var identity = Assert.Single(Manifests.Of(values).ServiceWorkloads, w => w.Component == "identity").MainContainer;
        foreach (var clientId in new[] { "consent-pages", "record-vault-pages" })
        {
            var client = Client(identity, clientId);
            // The pages' sign-in answer comes to <origin>signin-oidc; logout tokens go to the same origin.
            var origin = client["RedirectUris__0"][..^"signin-oidc".Length];
            Assert.Equal(origin + BackchannelLogoutPath, client["BackchannelLogoutUri"]);
            Assert.Equal("true", client["BackchannelLogoutSessionRequired"]);
            Assert.False(client.ContainsKey("RequireDpop"));
        }
    }

    [Theory]
    [InlineData("values.yaml")]
    [InlineData("values-minimal.yaml")]
    public void Every_client_field_the_chart_renders_is_one_the_identity_service_binds(string values)
    {
        // Identity:Clients:{i}:* binds to ClientDefinition (ClientAndScopeSeeder): a misspelt field would be ignored silently.
        var definition = Repository.Read("services", "Identity", "Platform.Identity", "Oidc", "ClientDefinition.cs");
        var properties = PublicProperty().Matches(definition).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
        var identity = Assert.Single(Manifests.Of(values).ServiceWorkloads, w => w.Component == "identity").MainContainer;
        var fields = identity.Env.Select(e => ClientField().Match(e.Name)).Where(m => m.Success).Select(m => m.Groups[1].Value).ToHashSet();
        Assert.Contains("RequireDpop", fields);
        Assert.Contains("BackchannelLogoutUri", fields);
        Assert.All(fields, f => Assert.Contains(f, properties));
    }

    [GeneratedRegex(@"public (?:string\??|bool|List<string>) (\w+) \{ get; set; \}")]
    private static partial Regex PublicProperty();

    [GeneratedRegex(@"^Identity__Clients__\d+__(\w+?)(?:__\d+)?$")]
    private static partial Regex ClientField();

    /// <summary>Where the platform's applications take logout tokens (Platform.ServiceDefaults BackchannelLogoutReceiver.Path).</summary>
    private static string BackchannelLogoutPath
    {
        get
        {
            var receiver = Repository.Read("services", "BuildingBlocks", "Platform.ServiceDefaults", "BackchannelLogout", "BackchannelLogoutReceiver.cs");
            return Regex.Match(receiver, "const string Path = \"/([^\"]+)\"").Groups[1].Value;
        }
    }

    [Fact]
    public void Redirect_uris_from_values_replace_the_default_and_an_http_origin_needs_allow_http()
    {
        var manifests = Manifests.Parse(Helm.Render("values.yaml",
            "clinicianPortal.redirectUris[0]=https://clinicians.example.com/callback",
            "clinicianPortal.redirectUris[1]=https://portal.example.net/callback"));
        Assert.Equal(["https://clinicians.example.com/callback", "https://portal.example.net/callback"], List(PortalClient(manifests), "RedirectUris"));

        var http = Helm.Template("values.yaml", "clinicianPortal.publicUrl=http://clinicians.example.com/");
        Assert.NotEqual(0, http.ExitCode);
        Assert.Contains("authentication.allowHttp", http.StandardError, StringComparison.Ordinal);
        var noScheme = Helm.Template("values.yaml", "clinicianPortal.publicUrl=clinicians.example.com");
        Assert.NotEqual(0, noScheme.ExitCode);
        Assert.Contains("/clinicianPortal/publicUrl", noScheme.StandardError, StringComparison.Ordinal);
        var badLifetime = Helm.Template("values.yaml", "clinicianPortal.sessionLifetime=1 hour");
        Assert.NotEqual(0, badLifetime.ExitCode);
        Assert.Contains("/clinicianPortal/sessionLifetime", badLifetime.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public void A_disabled_portal_renders_nothing_and_registers_no_client()
    {
        var manifests = Manifests.Parse(Helm.Render("values.yaml", "clinicianPortal.enabled=false"));
        Assert.DoesNotContain(manifests.Objects, o => o.Metadata.Name == PortalName);
        var identity = Assert.Single(manifests.ServiceWorkloads, w => w.Component == "identity").MainContainer;
        Assert.DoesNotContain(identity.Env, e => e.Value == "clinician-portal");
        Assert.DoesNotContain(manifests.All<V1NetworkPolicy>().SelectMany(p => p.Spec.Ingress ?? []).SelectMany(r => r.FromProperty ?? []),
            p => p.PodSelector?.MatchLabels?.Values.Contains(Platform.Portal) == true);
    }

    [Fact]
    public void Production_routes_the_portal_through_its_ingress_and_scales_it_over_zones()
    {
        var manifests = Manifests.Of("values-production.yaml");
        var ingress = manifests.Single<V1Ingress>(PortalName);
        var rule = Assert.Single(ingress.Spec.Rules);
        Assert.Equal(new Uri(PortalClient(manifests)["RedirectUris__0"]).Host, rule.Host);
        Assert.Equal(PortalName, Assert.Single(rule.Http.Paths).Backend.Service.Name);
        Assert.Contains(ingress.Spec.Tls.SelectMany(t => t.Hosts), h => h == rule.Host);
        Assert.True(manifests.Single<V2HorizontalPodAutoscaler>(PortalName).Spec.MinReplicas >= 2);
        Assert.Equal("1", manifests.Single<V1PodDisruptionBudget>(PortalName).Spec.MaxUnavailable.Value);
    }

    [Theory]
    [MemberData(nameof(Values))]
    public void The_portals_network_policy_opens_the_api_calls_sign_in_and_redis_and_nothing_else(string values)
    {
        var manifests = Manifests.Of(values);
        var policy = manifests.Single<V1NetworkPolicy>(PortalName);
        Assert.Equal(["Egress", "Ingress"], policy.Spec.PolicyTypes.Order());
        var podTargets = policy.Spec.Egress.Where(r => r.To?.Any(p => p.PodSelector?.MatchLabels?.ContainsKey("app.kubernetes.io/component") == true) == true)
            .SelectMany(r => r.To.Select(p => p.PodSelector.MatchLabels["app.kubernetes.io/component"]))
            .Order().ToArray();
        var expected = values == "values-minimal.yaml" ? new[] { "consent", "dev-redis", "identity", "record-vault" } : ["consent", "identity", "record-vault"];
        Assert.Equal(expected, podTargets);
        var ports = policy.Spec.Egress.SelectMany(r => r.Ports ?? []).Select(p => p.Port.Value).ToHashSet();
        Assert.DoesNotContain("5432", ports);   // no database
        Assert.DoesNotContain("50002", ports);  // no sidecar-to-sidecar invocation
        // The APIs it calls accept it; the ledger does not.
        foreach (var id in new[] { "consent", "record-vault", "identity" })
        {
            var callee = manifests.Single<V1NetworkPolicy>(Platform.ResourceName(id));
            Assert.Contains(callee.Spec.Ingress, r => r.FromProperty.Any(p => Component(p) == Platform.Portal)
                && r.Ports.Any(p => p.Port.Value == "8080"));
        }
        var ledger = manifests.Single<V1NetworkPolicy>(Platform.ResourceName("ledger"));
        Assert.DoesNotContain(ledger.Spec.Ingress.SelectMany(r => r.FromProperty ?? []), p => Component(p) == Platform.Portal);
    }

    [Fact]
    public void The_smoke_test_checks_the_portal_is_ready_and_sends_visitors_to_the_issuer()
    {
        var smoke = Assert.Single(Manifests.Of("values.yaml").Workloads, w => w.IsHook && w.Kind == "Pod");
        var script = string.Join('\n', smoke.MainContainer.Args);
        Assert.Contains($"http://{PortalName}:8080/health/ready", script, StringComparison.Ordinal);
        Assert.Contains("client_id=clinician-portal", script, StringComparison.Ordinal);
    }

    /// <summary>The Identity__Clients__{i}__* settings of the clinician-portal client, by field.</summary>
    private static Dictionary<string, string> PortalClient(Manifests manifests) =>
        Client(Assert.Single(manifests.ServiceWorkloads, w => w.Component == "identity").MainContainer, "clinician-portal");

    /// <summary>The Identity__Clients__{i}__* settings of one client, by field.</summary>
    private static Dictionary<string, string> Client(V1Container identity, string clientId)
    {
        var prefix = Assert.Single(identity.Env, e => e.Name.EndsWith("__ClientId", StringComparison.Ordinal) && e.Value == clientId).Name[..^"ClientId".Length];
        return identity.Env.Where(e => e.Name.StartsWith(prefix, StringComparison.Ordinal))
            .ToDictionary(e => e.Name[prefix.Length..], e => e.Value ?? "(secret)");
    }

    private static string[] List(Dictionary<string, string> client, string field) =>
        [.. client.Where(c => c.Key.StartsWith(field + "__", StringComparison.Ordinal))
            .OrderBy(c => int.Parse(c.Key[(field.Length + 2)..], System.Globalization.CultureInfo.InvariantCulture))
            .Select(c => c.Value)];

    private static V1EnvVar Env(V1Container container, string name) => WorkloadTests.Env(container, name);

    private static string? Component(V1NetworkPolicyPeer peer) =>
        peer.PodSelector?.MatchLabels?.TryGetValue("app.kubernetes.io/component", out var component) == true ? component : null;
}
