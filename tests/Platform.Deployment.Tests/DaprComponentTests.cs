using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using k8s;
using k8s.Models;
using Platform.Contracts;
using Platform.Messaging;
using Platform.Messaging.InProcess;

namespace Platform.Deployment.Tests;

/// <summary>
/// components/*.yaml: the Dapr resources the services rely on, checked against the code (pub/sub name, topics
/// from the contracts, delivery attempts), against docs/messaging.md (who publishes and consumes what), and
/// against the chart, which renders the same resources with the release.
/// </summary>
public partial class DaprComponentTests
{
    private static readonly IReadOnlyList<IKubernetesObject<V1ObjectMeta>> Files =
        Directory.EnumerateFiles(Repository.Path("components"), "*.yaml").Order(StringComparer.Ordinal)
            .SelectMany(f => Manifests.Parse(File.ReadAllText(f)).Objects)
            .ToArray();

    private static DaprComponent PubSub => Assert.Single(Files.OfType<DaprComponent>(), c => c.Spec.Type == "pubsub.redis");

    [Fact]
    public void The_components_folder_holds_pubsub_secret_store_resiliency_and_configuration()
    {
        Assert.Equal(
            ["Component/platform-secretstore", "Component/pubsub", "Configuration/platform-config", "Resiliency/platform-resiliency"],
            Files.Select(o => $"{o.Kind}/{o.Metadata.Name}").Order(StringComparer.Ordinal));
        Assert.All(Files, o => Assert.Equal("dapr.io/v1alpha1", o.ApiVersion));
    }

    [Fact]
    public void Components_and_resiliency_are_scoped_to_the_four_app_ids()
    {
        foreach (var scopes in Files.OfType<DaprComponent>().Select(c => c.Scopes).Concat(Files.OfType<DaprResiliency>().Select(r => r.Scopes)))
        {
            Assert.Equal(Platform.AppIds.Order(), (scopes ?? []).Order());
        }
    }

    [Fact]
    public void The_pubsub_component_is_the_one_the_code_publishes_to()
    {
        var pubsub = PubSub;
        Assert.Equal(new EventBusOptions().PubSubName, pubsub.Metadata.Name);
        Assert.Equal("v1", pubsub.Spec.Version);
        Assert.Equal("{appID}", pubsub.Item("consumerID")?.Value); // one consumer group per service
        foreach (var name in new[] { "redisHost", "redisPassword" })
        {
            var item = pubsub.Item(name);
            Assert.NotNull(item?.SecretKeyRef);
            Assert.Null(item.Value);
        }
        foreach (var name in new[] { "enableTLS", "processingTimeout", "redeliverInterval", "allowedTopics", "publishingScopes", "subscriptionScopes" })
        {
            Assert.False(string.IsNullOrEmpty(pubsub.Item(name)?.Value), $"pubsub metadata {name}");
        }
        Assert.Equal(pubsub.Spec.Metadata!.Count, pubsub.Spec.Metadata.Select(m => m.Name).Distinct().Count());
    }

    [Fact]
    public void Credentials_are_read_through_the_declared_secret_store()
    {
        var store = Assert.Single(Files.OfType<DaprComponent>(), c => c.Spec.Type == "secretstores.kubernetes");
        Assert.Equal(store.Metadata.Name, PubSub.Auth?.SecretStore);
        var configuration = Assert.Single(Files.OfType<DaprConfiguration>());
        var scopes = Tree.Items(Tree.At(configuration.Spec, "secrets", "scopes")).ToArray();
        Assert.Contains(scopes, s => Tree.Text(s, "storeName") == store.Metadata.Name && Tree.Text(s, "defaultAccess") == "deny");
    }

    [Fact]
    public void Every_contract_topic_is_allowed_with_one_publisher_and_consumed_topics_have_dead_letters()
    {
        var topics = ContractTopics();
        var publishing = Scopes(PubSub.Item("publishingScopes")!.Value!);
        var subscriptions = Scopes(PubSub.Item("subscriptionScopes")!.Value!);
        Assert.Equal(Platform.AppIds.Order(), publishing.Keys.Order());
        Assert.Equal(Platform.AppIds.Order(), subscriptions.Keys.Order());
        var consumed = subscriptions.Values.SelectMany(t => t).Distinct().ToArray();
        Assert.All(consumed, t => Assert.Contains(t, topics));
        Assert.Equal(topics.Concat(consumed.Select(EventTopics.DeadLetterFor)).Order(), Split(PubSub.Item("allowedTopics")!.Value!, ',').Order());
        foreach (var topic in topics)
        {
            Assert.True(publishing.Count(p => p.Value.Contains(topic)) == 1, $"{topic} needs exactly one publisher in publishingScopes");
        }
        foreach (var (app, subscribed) in subscriptions)
        {
            // A consumer's sidecar publishes what it gives up on to <topic>.deadletter, and nothing else of another's.
            var expectedDeadLetters = subscribed.Select(EventTopics.DeadLetterFor).Order();
            Assert.Equal(expectedDeadLetters, publishing[app].Where(t => t.EndsWith(EventTopics.DeadLetterSuffix, StringComparison.Ordinal)).Order());
        }
        Assert.Empty(subscriptions["identity"]); // "identity=": scoped to no topic at all, not unscoped
    }

    [Fact]
    public void The_code_publishes_and_subscribes_only_within_the_scopes()
    {
        var publishing = Scopes(PubSub.Item("publishingScopes")!.Value!);
        var subscriptions = Scopes(PubSub.Item("subscriptionScopes")!.Value!);
        var contracts = typeof(IntegrationEvent).Assembly.GetTypes()
            .Where(t => t.GetCustomAttribute<IntegrationEventTypeAttribute>() is not null)
            .ToDictionary(t => t.Name, EventTopics.For);
        var found = 0;
        foreach (var (folder, app) in ServiceFolders)
        {
            var code = string.Concat(Directory.EnumerateFiles(Repository.Path("services", folder), "*.cs", SearchOption.AllDirectories)
                .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
                .Select(File.ReadAllText));
            foreach (var (type, topic) in contracts)
            {
                if (code.Contains($"new {type}(", StringComparison.Ordinal))
                {
                    Assert.True(publishing[app].Contains(topic), $"services/{folder} publishes {topic}; publishingScopes does not let {app} publish it");
                    found++;
                }
                if (code.Contains($"AddSubscription<{type},", StringComparison.Ordinal))
                {
                    Assert.True(subscriptions[app].Contains(topic), $"services/{folder} subscribes to {topic}; subscriptionScopes does not let {app} receive it");
                    found++;
                }
            }
        }
        Assert.True(found >= 4, $"only {found} publications and subscriptions found in the code");
    }

    [Fact]
    public void The_topic_scopes_follow_the_event_table_of_the_messaging_docs()
    {
        var publishing = Scopes(PubSub.Item("publishingScopes")!.Value!);
        var subscriptions = Scopes(PubSub.Item("subscriptionScopes")!.Value!);
        var table = MessagingTable();
        foreach (var (topic, (publisher, consumers)) in table)
        {
            Assert.Contains(topic, publishing[publisher]);
            Assert.Equal(consumers.Order(), subscriptions.Where(s => s.Value.Contains(topic)).Select(s => s.Key).Order());
        }
    }

    [Fact]
    public void Pubsub_deliveries_are_retried_as_often_as_the_in_process_broker_of_the_dev_host()
    {
        var resiliency = Assert.Single(Files.OfType<DaprResiliency>());
        var targets = Tree.At(resiliency.Spec, "targets", "components", PubSub.Metadata.Name);
        Assert.NotNull(targets);
        foreach (var direction in new[] { "inbound", "outbound" })
        {
            var retry = Tree.Text(targets, direction, "retry");
            Assert.False(string.IsNullOrEmpty(retry), $"pubsub {direction} has no retry policy");
            var policy = Tree.At(resiliency.Spec, "policies", "retries", retry!);
            Assert.NotNull(policy);
            Assert.Equal("exponential", Tree.Text(policy, "policy"));
            Assert.False(string.IsNullOrEmpty(Tree.Text(targets, direction, "timeout")), $"pubsub {direction} has no timeout");
        }
        var delivery = Tree.At(resiliency.Spec, "policies", "retries", Tree.Text(targets, "inbound", "retry")!);
        Assert.Equal(new InProcessBrokerOptions().MaxDeliveryAttempts - 1, int.Parse(Tree.Text(delivery, "maxRetries")!, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(["maxInterval", "maxRetries", "policy"], Tree.Keys(delivery).Order(StringComparer.Ordinal)); // only fields Dapr knows
    }

    /// <summary>
    /// Redis hands a message that stayed unacknowledged longer than processingTimeout to another replica. The sidecar
    /// acknowledges only after its last retry, so processingTimeout must outlast every attempt's timeout plus the
    /// backoff between them; otherwise a second replica starts on the event while the first one still retries it.
    /// Dapr's exponential policy: first interval 500 ms, ×1.5 per retry, up to ±50 % jitter, capped at maxInterval.
    /// </summary>
    [Fact]
    public void Redis_redelivery_never_races_a_delivery_the_sidecar_is_still_retrying()
    {
        var resiliency = Assert.Single(Files.OfType<DaprResiliency>());
        var inbound = Tree.At(resiliency.Spec, "targets", "components", PubSub.Metadata.Name, "inbound");
        var timeout = GoDuration(Tree.Text(resiliency.Spec, "policies", "timeouts", Tree.Text(inbound, "timeout")!)!);
        var retry = Tree.At(resiliency.Spec, "policies", "retries", Tree.Text(inbound, "retry")!);
        var retries = int.Parse(Tree.Text(retry, "maxRetries")!, System.Globalization.CultureInfo.InvariantCulture);
        var maxInterval = GoDuration(Tree.Text(retry, "maxInterval")!);
        var budget = timeout * (retries + 1);
        for (var i = 0; i < retries; i++)
        {
            budget += TimeSpan.FromMilliseconds(Math.Min(maxInterval.TotalMilliseconds, 500 * Math.Pow(1.5, i) * 1.5));
        }

        var processingTimeout = GoDuration(PubSub.Item("processingTimeout")!.Value!);
        Assert.True(processingTimeout > budget, $"processingTimeout {processingTimeout} does not outlast the retry budget {budget}");
    }

    private static TimeSpan GoDuration(string value)
    {
        var total = TimeSpan.Zero;
        foreach (Match part in Regex.Matches(value, "([0-9]+)(ms|s|m|h)"))
        {
            var n = int.Parse(part.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            total += part.Groups[2].Value switch
            {
                "ms" => TimeSpan.FromMilliseconds(n),
                "s" => TimeSpan.FromSeconds(n),
                "m" => TimeSpan.FromMinutes(n),
                _ => TimeSpan.FromHours(n),
            };
        }
        Assert.True(total > TimeSpan.Zero, $"'{value}' is not a duration");
        return total;
    }

    [Fact]
    public void The_consent_decision_call_has_a_timeout_retries_and_a_circuit_breaker()
    {
        var resiliency = Assert.Single(Files.OfType<DaprResiliency>());
        var consent = Tree.At(resiliency.Spec, "targets", "apps", "consent");
        foreach (var (kind, section) in new[] { ("timeout", "timeouts"), ("retry", "retries"), ("circuitBreaker", "circuitBreakers") })
        {
            var name = Tree.Text(consent, kind);
            Assert.False(string.IsNullOrEmpty(name), $"consent has no {kind}");
            Assert.NotNull(Tree.At(resiliency.Spec, "policies", section, name!));
        }
        var breaker = Tree.At(resiliency.Spec, "policies", "circuitBreakers", Tree.Text(consent, "circuitBreaker")!);
        Assert.Matches("^consecutiveFailures >= [0-9]+$", Tree.Text(breaker, "trip"));
    }

    [Fact]
    public void Every_policy_a_target_names_is_defined()
    {
        var resiliency = Assert.Single(Files.OfType<DaprResiliency>());
        var sections = new Dictionary<string, string> { ["timeout"] = "timeouts", ["retry"] = "retries", ["circuitBreaker"] = "circuitBreakers" };
        var references = new List<(string Kind, string Name)>();
        void Collect(object? node)
        {
            foreach (var key in Tree.Keys(node))
            {
                var child = Tree.At(node, key);
                if (sections.ContainsKey(key) && child is string name)
                {
                    references.Add((key, name));
                }
                else
                {
                    Collect(child);
                }
            }
        }
        Collect(Tree.At(resiliency.Spec, "targets"));
        Assert.True(references.Count >= 8, $"{references.Count} references");
        Assert.All(references, r => Assert.NotNull(Tree.At(resiliency.Spec, "policies", sections[r.Kind], r.Name)));
    }

    [Fact]
    public void The_configuration_traces_and_lets_only_record_vault_invoke()
    {
        var configuration = Assert.Single(Files.OfType<DaprConfiguration>());
        Assert.Matches("^(0(\\.[0-9]+)?|1)$", Tree.Text(configuration.Spec, "tracing", "samplingRate"));
        Assert.Matches("^[^/:]+:[0-9]+$", Tree.Text(configuration.Spec, "tracing", "otel", "endpointAddress"));
        // mTLS is the control plane's setting (daprsystem); an app Configuration carrying `mtls` must also name the
        // control plane's trust domain and sentry address (Dapr >= 1.15) and would override them, so it has none.
        Assert.DoesNotContain("mtls", Tree.Keys(configuration.Spec));
        Assert.Equal("true", Tree.Text(configuration.Spec, "metrics", "enabled"), ignoreCase: true);
        Assert.Equal("deny", Tree.Text(configuration.Spec, "accessControl", "defaultAction"));
        var policy = Assert.Single(Tree.Items(Tree.At(configuration.Spec, "accessControl", "policies")));
        Assert.Equal("record-vault", Tree.Text(policy, "appId"));
        Assert.Equal("allow", Tree.Text(policy, "defaultAction"));
    }

    [Fact]
    public void The_chart_renders_the_same_dapr_resources_as_the_components_folder()
    {
        var rendered = Manifests.Of("values.yaml").Objects.Where(o => o.ApiVersion.StartsWith("dapr.io/", StringComparison.Ordinal)).ToArray();
        Assert.Equal(Files.Select(Key).Order(StringComparer.Ordinal), rendered.Select(Key).Order(StringComparer.Ordinal));
        foreach (var file in Files)
        {
            var chart = rendered.Single(o => Key(o) == Key(file));
            Assert.Equal(Normalize(file), Normalize(chart));
        }
    }

    [Fact]
    public void The_chart_creates_the_dapr_resources_before_the_pods_whose_sidecars_read_them_at_start()
    {
        var rendered = Manifests.Of("values.yaml").Objects.Where(o => o.ApiVersion.StartsWith("dapr.io/", StringComparison.Ordinal)).ToArray();
        Assert.Equal(4, rendered.Length);
        foreach (var resource in rendered)
        {
            var annotations = resource.Metadata.Annotations;
            Assert.Equal("pre-install,pre-upgrade", annotations["helm.sh/hook"]);
            Assert.True(int.Parse(annotations["helm.sh/hook-weight"], System.Globalization.CultureInfo.InvariantCulture) < 0);
            Assert.Equal("before-hook-creation", annotations["helm.sh/hook-delete-policy"]);
        }
    }

    [Fact]
    public void The_chart_points_the_sidecars_at_the_configuration_it_renders()
    {
        var manifests = Manifests.Of("values.yaml");
        var configuration = Assert.Single(manifests.All<DaprConfiguration>());
        var policy = Assert.Single(Tree.Items(Tree.At(configuration.Spec, "accessControl", "policies")));
        Assert.Equal(Helm.Namespace, Tree.Text(policy, "namespace"));
        Assert.All(manifests.ServiceWorkloads, w => Assert.Equal(configuration.Metadata.Name, w.Annotations["dapr.io/config"]));
    }

    [Fact]
    public void The_secret_store_may_read_exactly_the_secrets_the_components_reference()
    {
        var manifests = Manifests.Of("values.yaml");
        var role = Assert.Single(manifests.All<V1Role>());
        var rule = Assert.Single(role.Rules);
        Assert.Equal(["get"], rule.Verbs);
        Assert.Equal(["secrets"], rule.Resources);
        var referenced = manifests.All<DaprComponent>().SelectMany(c => c.Spec.Metadata ?? []).Where(m => m.SecretKeyRef is not null).Select(m => m.SecretKeyRef!.Name).Distinct();
        Assert.Equal(referenced.Order(), rule.ResourceNames.Order());
        var binding = Assert.Single(manifests.All<V1RoleBinding>());
        Assert.Equal(role.Metadata.Name, binding.RoleRef.Name);
        Assert.Equal(manifests.ServiceWorkloads.Select(w => w.Spec.ServiceAccountName).Order(), binding.Subjects.Select(s => s.Name).Order());
    }

    [Fact]
    public void With_the_built_in_secret_store_the_pods_need_no_kubernetes_api_access()
    {
        var manifests = Manifests.Parse(Helm.Render("values.yaml", "dapr.builtInSecretStore=true"));
        // The Dapr operator resolves secretKeyRefs of components without auth.secretStore from the namespace's Secrets.
        Assert.DoesNotContain(manifests.All<DaprComponent>(), c => c.Spec.Type.StartsWith("secretstores.", StringComparison.Ordinal));
        Assert.All(manifests.All<DaprComponent>(), c => Assert.Null(c.Auth));
        Assert.Empty(manifests.All<V1Role>());
        Assert.Empty(manifests.All<V1RoleBinding>());
        Assert.All(manifests.ServiceWorkloads, w => Assert.False(w.Spec.AutomountServiceAccountToken));
        foreach (var policy in manifests.All<V1NetworkPolicy>())
        {
            Assert.DoesNotContain(policy.Spec.Egress ?? [], r => r.Ports?.Any(p => p.Port.Value == "6443") == true);
        }
        var configuration = Assert.Single(manifests.All<DaprConfiguration>());
        Assert.Equal(["kubernetes"], Tree.Items(Tree.At(configuration.Spec, "secrets", "scopes")).Select(s => Tree.Text(s, "storeName")));
    }

    [Fact]
    public void By_default_the_sidecars_read_the_secrets_through_the_platform_store()
    {
        var manifests = Manifests.Of("values.yaml");
        Assert.All(manifests.All<DaprComponent>().Where(c => c.Spec.Type == "pubsub.redis"), c => Assert.Equal("platform-secretstore", c.Auth?.SecretStore));
        Assert.All(manifests.ServiceWorkloads, w => Assert.True(w.Spec.AutomountServiceAccountToken));
    }

    [Fact]
    public void Topic_scoping_can_be_turned_off_while_an_event_is_introduced()
    {
        var pubsub = Assert.Single(Manifests.Parse(Helm.Render("values.yaml", "dapr.pubsub.topicScopes=false")).All<DaprComponent>(), c => c.Spec.Type == "pubsub.redis");
        Assert.Null(pubsub.Item("publishingScopes"));
        Assert.Null(pubsub.Item("subscriptionScopes"));
        Assert.Null(pubsub.Item("allowedTopics"));
    }

    private static readonly (string Folder, string AppId)[] ServiceFolders =
        [("Identity", "identity"), ("Consent", "consent"), ("RecordVault", "record-vault"), ("Ledger", "ledger")];

    private static string Key(IKubernetesObject<V1ObjectMeta> o) => $"{o.Kind}/{o.Metadata.Name}";

    /// <summary>Everything but the metadata the chart adds (labels), as JSON.</summary>
    private static string Normalize(IKubernetesObject<V1ObjectMeta> o)
    {
        var json = JsonSerializer.SerializeToNode(o, o.GetType())!.AsObject();
        json.Remove("metadata");
        return json.ToJsonString();
    }

    private static string[] ContractTopics() =>
        typeof(IntegrationEvent).Assembly.GetTypes()
            .Select(t => t.GetCustomAttribute<IntegrationEventTypeAttribute>()?.Topic)
            .OfType<string>()
            .ToArray();

    /// <summary>The event table of docs/messaging.md: topic → publisher and consumers.</summary>
    private static Dictionary<string, (string Publisher, string[] Consumers)> MessagingTable()
    {
        var table = new Dictionary<string, (string, string[])>(StringComparer.Ordinal);
        foreach (Match m in MessagingRow().Matches(Repository.Read("docs", "messaging.md")))
        {
            // A remark in parentheses says what a consumer does with the event; a cell that is only a remark names nobody.
            var consumers = Split(Regex.Replace(m.Groups[3].Value, @"\s*\([^)]*\)", ""), ',');
            table[m.Groups[1].Value] = (m.Groups[2].Value.Trim(), consumers);
        }
        Assert.True(table.Count >= 4, "docs/messaging.md has no event table");
        return table;
    }

    private static Dictionary<string, string[]> Scopes(string value) =>
        Split(value, ';').Select(s => s.Split('=', 2)).ToDictionary(p => p[0], p => Split(p[1], ','));

    private static string[] Split(string value, char separator) =>
        value.Split(separator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    [GeneratedRegex(@"^\| `([a-z.]+\.v[0-9]+)` \| ([a-z-]+) \| ([^|]+) \|$", RegexOptions.Multiline)]
    private static partial Regex MessagingRow();
}
