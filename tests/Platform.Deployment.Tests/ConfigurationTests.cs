using System.Text.RegularExpressions;
using k8s.Models;
using Platform.Messaging;

namespace Platform.Deployment.Tests;

/// <summary>The settings the chart gives each service: the keys the code and the docs name, secrets by reference.</summary>
public partial class ConfigurationTests
{
    public static TheoryData<string> Values() => new(Helm.ValuesFiles);

    [Theory]
    [MemberData(nameof(Values))]
    public void Each_service_uses_postgres_redis_and_the_dapr_event_bus(string values)
    {
        var manifests = Manifests.Of(values);
        var pubsub = Assert.Single(manifests.All<DaprComponent>(), c => c.Spec.Type == "pubsub.redis");
        foreach (var workload in manifests.ServiceWorkloads)
        {
            var c = workload.MainContainer;
            Assert.Equal("Postgres", Env(c, "Database__Provider").Value);
            Assert.NotNull(Env(c, $"ConnectionStrings__{workload.Component}").ValueFrom.SecretKeyRef);
            Assert.NotNull(Env(c, "ConnectionStrings__Redis").ValueFrom.SecretKeyRef);
            Assert.Equal(nameof(EventTransport.Dapr), Env(c, "EventBus__Transport").Value);
            Assert.Equal(pubsub.Metadata.Name, Env(c, "EventBus__PubSubName").Value);
            Assert.Contains(workload.Component, pubsub.Scopes ?? []);
        }
    }

    [Theory]
    [MemberData(nameof(Values))]
    public void Token_validation_points_at_the_identity_services_issuer(string values)
    {
        var manifests = Manifests.Of(values);
        var identity = Assert.Single(manifests.ServiceWorkloads, w => w.Component == "identity").MainContainer;
        var issuer = Env(identity, "Identity__Issuer").Value;
        Assert.Matches("^https?://", issuer);
        Assert.DoesNotContain(identity.Env, e => e.Name.StartsWith("Authentication__", StringComparison.Ordinal));
        foreach (var workload in manifests.ServiceWorkloads.Where(w => w.Component != "identity"))
        {
            Assert.Equal(issuer, Env(workload.MainContainer, "Authentication__Authority").Value);
            Assert.Equal(workload.Component, Env(workload.MainContainer, "Authentication__Audience").Value);
        }
    }

    [Theory]
    [MemberData(nameof(Values))]
    public void Service_clients_take_their_secret_from_a_secret(string values)
    {
        var manifests = Manifests.Of(values);
        var callers = manifests.ServiceWorkloads.Where(w => w.MainContainer.Env.Any(e => e.Name == "ServiceClient__ClientId")).ToArray();
        // record-vault asks consent for decisions; consent and record-vault may submit to the ledger.
        Assert.Equal(["consent", "record-vault"], callers.Select(w => w.Component!).Order());
        foreach (var workload in callers)
        {
            Assert.Equal(workload.Component, Env(workload.MainContainer, "ServiceClient__ClientId").Value);
            Assert.NotNull(Env(workload.MainContainer, "ServiceClient__ClientSecret").ValueFrom.SecretKeyRef);
        }
    }

    [Theory]
    [MemberData(nameof(Values))]
    public void The_identity_service_registers_each_service_client_with_the_secret_its_service_reads(string values)
    {
        var manifests = Manifests.Of(values);
        var identity = Assert.Single(manifests.ServiceWorkloads, w => w.Component == "identity").MainContainer;
        foreach (var caller in manifests.ServiceWorkloads.Where(w => w.MainContainer.Env.Any(e => e.Name == "ServiceClient__ClientId")))
        {
            var clientId = Env(caller.MainContainer, "ServiceClient__ClientId").Value;
            var registration = Assert.Single(identity.Env, e => e.Name.StartsWith("Identity__Clients__", StringComparison.Ordinal)
                && e.Name.EndsWith("__ClientId", StringComparison.Ordinal) && e.Value == clientId);
            var prefix = registration.Name[..^"ClientId".Length];
            var theirs = Env(caller.MainContainer, "ServiceClient__ClientSecret").ValueFrom.SecretKeyRef;
            var ours = Env(identity, prefix + "ClientSecret").ValueFrom.SecretKeyRef;
            Assert.Equal((theirs.Name, theirs.Key), (ours.Name, ours.Key));
            Assert.Equal("confidential", Env(identity, prefix + "Type").Value);
            Assert.Equal("client_credentials", Env(identity, prefix + "GrantTypes__0").Value);
            Assert.Contains(identity.Env, e => e.Name.StartsWith(prefix + "Scopes__", StringComparison.Ordinal));
        }
    }

    [Theory]
    [InlineData("values.yaml", false)]
    [InlineData("values-production.yaml", false)]
    [InlineData("values-minimal.yaml", true)]
    public void Plain_http_to_the_issuer_is_allowed_only_in_development(string values, bool allowed)
    {
        var manifests = Manifests.Of(values);
        var identity = Assert.Single(manifests.ServiceWorkloads, w => w.Component == "identity").MainContainer;
        Assert.Equal(allowed, identity.Env.Any(e => e.Name == "Identity__AllowHttp" && e.Value == "true"));
        Assert.Equal(allowed, Env(identity, "Identity__Issuer").Value.StartsWith("http://", StringComparison.Ordinal));
        foreach (var workload in manifests.ServiceWorkloads.Where(w => w.Component != "identity"))
        {
            Assert.Equal(allowed, workload.MainContainer.Env.Any(e => e.Name == "Authentication__RequireHttpsMetadata" && e.Value == "false"));
        }
        var refused = Helm.Template("values.yaml", "issuer=http://identity.example.com/");
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("/authentication/allowHttp", refused.StandardError);
    }

    [Fact]
    public void Extra_identity_clients_are_registered_after_the_service_clients()
    {
        var manifests = Manifests.Parse(Helm.Render("values.yaml",
            "identity.clients[0].clientId=portal", "identity.clients[0].type=public",
            "identity.clients[0].redirectUris[0]=https://portal.example.org/callback", "identity.clients[0].grantTypes[0]=authorization_code"));
        var identity = Assert.Single(manifests.ServiceWorkloads, w => w.Component == "identity").MainContainer;
        // 0 and 1: the consent and record-vault service clients; 2 and 3: their patient pages; 4: the clinician portal.
        Assert.Equal("consent-pages", Env(identity, "Identity__Clients__2__ClientId").Value);
        Assert.Equal("record-vault-pages", Env(identity, "Identity__Clients__3__ClientId").Value);
        Assert.Equal("clinician-portal", Env(identity, "Identity__Clients__4__ClientId").Value);
        Assert.Equal("portal", Env(identity, "Identity__Clients__5__ClientId").Value);
        Assert.Equal("https://portal.example.org/callback", Env(identity, "Identity__Clients__5__RedirectUris__0").Value);
        Assert.DoesNotContain(identity.Env, e => e.Name == "Identity__Clients__5__ClientSecret");
    }

    [Theory]
    [InlineData("values.yaml", "Pkcs11")]
    [InlineData("values-production.yaml", "Pkcs11")]
    [InlineData("values-minimal.yaml", "Software")]
    public void Every_service_has_its_key_provider_with_the_pin_in_a_secret(string values, string provider)
    {
        foreach (var workload in Manifests.Of(values).ServiceWorkloads)
        {
            var c = workload.MainContainer;
            Assert.Equal(provider, Env(c, "Keys__Provider").Value);
            if (provider == "Pkcs11")
            {
                Assert.NotNull(Env(c, "Keys__Pkcs11__UserPin").ValueFrom.SecretKeyRef);
                Assert.StartsWith("/", Env(c, "Keys__Pkcs11__LibraryPath").Value, StringComparison.Ordinal);
                Assert.False(string.IsNullOrEmpty(Env(c, "Keys__Pkcs11__TokenLabel").Value));
            }
        }
    }

    [Fact]
    public void Production_mounts_the_hsm_module_read_only_where_the_library_path_points()
    {
        foreach (var workload in Manifests.Of("values-production.yaml").ServiceWorkloads)
        {
            var c = workload.MainContainer;
            var mount = Assert.Single(c.VolumeMounts, m => m.Name == "hsm");
            Assert.True(mount.ReadOnlyProperty);
            Assert.StartsWith(mount.MountPath + "/", Env(c, "Keys__Pkcs11__LibraryPath").Value, StringComparison.Ordinal);
            Assert.Contains(workload.Spec.Volumes, v => v.Name == "hsm" && v.PersistentVolumeClaim is not null);
        }
    }

    [Fact]
    public void Azure_key_vault_uses_workload_identity_when_a_client_id_is_given()
    {
        var manifests = Manifests.Parse(Helm.Render("values.yaml",
            "keys.provider=AzureKeyVault", "keys.azureKeyVault.vaultUri=https://platform.vault.azure.net/",
            "keys.azureKeyVault.managedIdentityClientId=00000000-0000-0000-0000-000000000001"));
        foreach (var workload in manifests.ServiceWorkloads)
        {
            Assert.Equal("https://platform.vault.azure.net/", Env(workload.MainContainer, "Keys__AzureKeyVault__VaultUri").Value);
            Assert.Equal("true", workload.Metadata.Labels["azure.workload.identity/use"]);
            var account = manifests.Single<V1ServiceAccount>(workload.Spec.ServiceAccountName);
            Assert.Equal("00000000-0000-0000-0000-000000000001", account.Metadata.Annotations["azure.workload.identity/client-id"]);
            Assert.DoesNotContain(workload.MainContainer.Env, e => e.Name.StartsWith("Keys__Pkcs11__", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void A_service_can_run_without_a_key_provider()
    {
        var manifests = Manifests.Parse(Helm.Render("values.yaml", "consent.keys.enabled=false"));
        var consent = Assert.Single(manifests.ServiceWorkloads, w => w.Component == "consent").MainContainer;
        Assert.DoesNotContain(consent.Env, e => e.Name.StartsWith("Keys__", StringComparison.Ordinal));
        Assert.Contains(Assert.Single(manifests.ServiceWorkloads, w => w.Component == "identity").MainContainer.Env, e => e.Name == "Keys__Provider");
    }

    [Theory]
    [MemberData(nameof(Values))]
    public void No_credential_is_a_literal_environment_value(string values)
    {
        foreach (var workload in Manifests.Of(values).Workloads)
        {
            foreach (var env in workload.Spec.Containers.SelectMany(c => c.Env ?? []))
            {
                if (CredentialName().IsMatch(env.Name))
                {
                    Assert.True(env.Value is null && env.ValueFrom?.SecretKeyRef is not null,
                        $"{workload}: {env.Name} must come from a Secret");
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Values))]
    public void Every_setting_is_one_the_code_or_the_docs_name(string values)
    {
        var documented = DocumentedKeys();
        foreach (var workload in Manifests.Of(values).ServiceWorkloads)
        {
            foreach (var env in workload.MainContainer.Env)
            {
                var key = env.Name.Replace("__", ":", StringComparison.Ordinal);
                Assert.True(IsKnown(key, documented), $"{workload}: {env.Name} is no setting the services read (docs/configuration.md, the service docs, the crypto README)");
            }
        }
    }

    [Fact]
    public void The_event_bus_settings_are_properties_of_the_options_the_code_binds()
    {
        var properties = typeof(EventBusOptions).GetProperties().Select(p => p.Name).ToHashSet();
        var container = Assert.Single(Manifests.Of("values.yaml").ServiceWorkloads, w => w.Component == "consent").MainContainer;
        var settings = container.Env.Where(e => e.Name.StartsWith("EventBus__", StringComparison.Ordinal)).Select(e => e.Name["EventBus__".Length..]).ToArray();
        Assert.Equal(3, settings.Length);
        Assert.All(settings, s => Assert.Contains(s, properties));
    }

    [Fact]
    public void Extra_settings_become_environment_variables_with_double_underscores()
    {
        var manifests = Manifests.Parse(Helm.Render("values.yaml", "consent.settings.RateLimiting:sensitive:PermitLimit=20"));
        var consent = Assert.Single(manifests.ServiceWorkloads, w => w.Component == "consent").MainContainer;
        Assert.Equal("20", Env(consent, "RateLimiting__sensitive__PermitLimit").Value);
    }

    [Theory]
    [InlineData("Ledger:Replicas:4:RaftEndPoint", true)]
    [InlineData("Ledger:ServiceTokens:record-vault", true)]
    [InlineData("Keys:AzureKeyVault:ManagedIdentityClientId", true)]
    [InlineData("ConnectionStrings:ledger", true)]
    [InlineData("EventBus:AppApiToken", true)]
    [InlineData("Ledger:ReplicaCount", false)]
    [InlineData("Keys:Pkcs11:Pin", false)]
    [InlineData("ConnectionStrings:audit", false)]
    [InlineData("Identity:Clients:0:RedirectUris:1", true)]
    [InlineData("Identity:Clients:0:Secret", false)]
    [InlineData("Identity:AllowHttp", true)]
    [InlineData("Authentication:RequireHttpsMetadata", true)]
    [InlineData("Authentication:Scheme", false)]
    public void The_documented_keys_are_read_from_the_docs(string key, bool known) =>
        Assert.Equal(known, IsKnown(key, DocumentedKeys()));

    private static bool IsKnown(string key, HashSet<string> documented)
    {
        if (key.StartsWith("ASPNETCORE_", StringComparison.Ordinal) || key.StartsWith("OTEL_", StringComparison.Ordinal)
            || key.StartsWith("ChrystokiConfigurationPath", StringComparison.Ordinal))
        {
            return true;
        }
        // The identity work (issues 4-7) reads these; until docs/configuration.md lists them, the code is the reference.
        if (key.StartsWith("Identity:Clients:", StringComparison.Ordinal))
        {
            var property = key.Split(':')[3];
            return SourceDeclares(property, "services", "Identity", "Platform.Identity", "Oidc", "ClientDefinition.cs");
        }
        if (key.StartsWith("Identity:", StringComparison.Ordinal) && key.Count(c => c == ':') == 1)
        {
            return SourceDeclares(key["Identity:".Length..], "services", "Identity", "Platform.Identity", "Oidc", "OidcOptions.cs");
        }
        if (key.StartsWith("Authentication:", StringComparison.Ordinal))
        {
            return Repository.Read("services", "BuildingBlocks", "Platform.ServiceDefaults", "TokenValidationSetup.cs").Contains($"<c>{key}</c>", StringComparison.Ordinal);
        }
        // The service client settings are being added with the consent and record-vault work (issues 6, 7).
        if (key is "ServiceClient:ClientId" or "ServiceClient:ClientSecret")
        {
            return true;
        }
        var normalized = IndexSegment().Replace(key, ":{i}:");
        normalized = ServiceSegment().Replace(normalized, "$1:{service}");
        return documented.Contains(normalized);
    }

    private static bool SourceDeclares(string property, params string[] file) =>
        Regex.IsMatch(Repository.Read(file), $@"public [^\n]*\b{Regex.Escape(property)} {{ get; set; }}");

    /// <summary>Keys from the configuration tables of docs/configuration.md, the service docs and the crypto README.</summary>
    private static HashSet<string> DocumentedKeys()
    {
        var text = Repository.Read("docs", "configuration.md") + Repository.Read("docs", "ledger.md")
            + Repository.Read("docs", "identity.md") + Repository.Read("docs", "consent.md") + Repository.Read("docs", "record-vault.md")
            + Repository.Read("services", "BuildingBlocks", "Platform.Crypto", "README.md");
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (Match m in DocumentedKey().Matches(text))
        {
            var key = m.Groups[1].Value.Replace("<service>", "{service}", StringComparison.Ordinal);
            keys.Add(key);
            // "`Ledger:Replicas:{i}:Name`, `:RaftEndPoint`": continuation keys share the prefix.
            var prefix = key[..(key.LastIndexOf(':') + 1)];
            foreach (Match c in Continuation().Matches(text[m.Index..Math.Min(text.Length, m.Index + 200)].Split('\n')[0]))
            {
                keys.Add(prefix + c.Groups[1].Value);
            }
        }
        // Ledger:Publishers:{i}:Jwk:{Kty,Crv,X,Y,Kid,Alg,Use}
        foreach (var field in new[] { "Kty", "Crv", "X", "Y", "Kid", "Alg", "Use" })
        {
            Assert.Contains("Jwk:{Kty,Crv,X,Y,Kid,Alg,Use}", text);
            keys.Add($"Ledger:Publishers:{{i}}:Jwk:{field}");
        }
        return keys;
    }

    private static V1EnvVar Env(V1Container container, string name) => WorkloadTests.Env(container, name);

    [GeneratedRegex("(Password|Secret|Token|Pin)$|^ConnectionStrings__|__ServiceTokens__")]
    private static partial Regex CredentialName();

    [GeneratedRegex(@"`((?:[A-Z][A-Za-z]*)(?::(?:[A-Za-z][A-Za-z0-9]*|\{i\}|\{service\}|<service>))+)`")]
    private static partial Regex DocumentedKey();

    [GeneratedRegex(@"`:([A-Za-z]+)`")]
    private static partial Regex Continuation();

    [GeneratedRegex(@":[0-9]+:")]
    private static partial Regex IndexSegment();

    [GeneratedRegex(@"^(ConnectionStrings|Ledger:ServiceTokens):(identity|consent|record-vault|ledger)$")]
    private static partial Regex ServiceSegment();
}
