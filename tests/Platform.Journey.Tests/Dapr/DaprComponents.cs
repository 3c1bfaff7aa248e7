using Platform.Testing;

namespace Platform.Journey.Tests.Dapr;

/// <summary>
/// What daprd would load from components/: the pub/sub component (name, app scopes, allowedTopics,
/// publishingScopes, subscriptionScopes), the inbound delivery retries of the resiliency policy, and the service
/// invocation access control of the configuration — read from the very files a platform team applies.
/// </summary>
public sealed record DaprComponents(
    PubSubComponent PubSub,
    int DeliveryMaxRetries,
    InvocationAccessControl AccessControl)
{
    public static DaprComponents Load(string? componentsDirectory = null)
    {
        var directory = componentsDirectory ?? RepositoryRoot.Combine("components");
        var pubsub = PubSubComponent.From(ComponentYaml.Parse(File.ReadAllText(Path.Combine(directory, "pubsub.yaml"))));
        var resiliency = ComponentYaml.Parse(File.ReadAllText(Path.Combine(directory, "resiliency.yaml")));
        var configuration = ComponentYaml.Parse(File.ReadAllText(Path.Combine(directory, "configuration.yaml")));

        // targets.components.<pubsub>.inbound.retry names the policy under policies.retries.
        var policy = resiliency.String("spec", "targets", "components", pubsub.Name, "inbound", "retry")
            ?? throw new InvalidOperationException($"resiliency.yaml has no inbound retry policy for component {pubsub.Name}.");
        var maxRetries = int.Parse(resiliency.String("spec", "policies", "retries", policy, "maxRetries")
            ?? throw new InvalidOperationException($"resiliency.yaml: retry policy {policy} has no maxRetries."), System.Globalization.CultureInfo.InvariantCulture);

        return new DaprComponents(pubsub, maxRetries, InvocationAccessControl.From(configuration));
    }
}

/// <summary>A pub/sub component with daprd's topic scoping (see Dapr's "Scope Pub/sub topic access").</summary>
public sealed record PubSubComponent(
    string Name,
    IReadOnlyList<string> AppScopes,
    IReadOnlySet<string>? AllowedTopics,
    IReadOnlyDictionary<string, IReadOnlySet<string>> PublishingScopes,
    IReadOnlyDictionary<string, IReadOnlySet<string>> SubscriptionScopes)
{
    public static PubSubComponent From(Dictionary<string, object?> yaml)
    {
        if (yaml.String("kind") != "Component" || yaml.String("spec", "type")?.StartsWith("pubsub.", StringComparison.Ordinal) != true)
        {
            throw new InvalidOperationException("pubsub.yaml is not a Dapr pub/sub Component.");
        }
        var metadata = ((List<object?>)((Dictionary<string, object?>)yaml["spec"]!)["metadata"]!)
            .Cast<Dictionary<string, object?>>()
            .Where(m => m.ContainsKey("value"))
            .ToDictionary(m => (string)m["name"]!, m => (string?)m["value"] ?? "", StringComparer.Ordinal);
        var scopes = yaml.TryGetValue("scopes", out var s) && s is List<object?> list ? list.Cast<string>().ToList() : [];
        return new PubSubComponent(
            yaml.String("metadata", "name")!,
            scopes,
            metadata.TryGetValue("allowedTopics", out var allowed) && allowed.Trim().Length > 0 ? Topics(allowed) : null,
            Scopes(metadata.GetValueOrDefault("publishingScopes")),
            Scopes(metadata.GetValueOrDefault("subscriptionScopes")));
    }

    /// <summary>Whether daprd loads this component for the app at all (component <c>scopes</c>).</summary>
    public bool LoadedBy(string appId) => AppScopes.Count == 0 || AppScopes.Contains(appId);

    /// <summary>
    /// daprd's rule: a topic outside allowedTopics (when set) is refused; an app listed in publishingScopes may
    /// publish only the topics listed for it (an empty list: none); an app not listed is limited by allowedTopics only.
    /// </summary>
    public bool MayPublish(string appId, string topic) =>
        (AllowedTopics is null || AllowedTopics.Contains(topic)) &&
        (!PublishingScopes.TryGetValue(appId, out var topics) || topics.Contains(topic));

    public bool MaySubscribe(string appId, string topic) =>
        (AllowedTopics is null || AllowedTopics.Contains(topic)) &&
        (!SubscriptionScopes.TryGetValue(appId, out var topics) || topics.Contains(topic));

    private static HashSet<string> Topics(string list) =>
        list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);

    /// <summary>"app1=topic1,topic2;app2=" as daprd reads it.</summary>
    private static Dictionary<string, IReadOnlySet<string>> Scopes(string? value) =>
        (value ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(entry => entry.Split('=', 2))
            .ToDictionary(p => p[0].Trim(), p => (IReadOnlySet<string>)Topics(p.Length > 1 ? p[1] : ""), StringComparer.Ordinal);
}

/// <summary>
/// The service invocation access control of the sidecars' Configuration: the callee's sidecar allows a caller by its
/// policy (per app-id) or the default action. Trust domain and namespace (SPIFFE ids under mTLS) are not modelled.
/// </summary>
public sealed record InvocationAccessControl(bool DefaultAllow, IReadOnlyDictionary<string, bool> Policies)
{
    public static InvocationAccessControl From(Dictionary<string, object?> configuration)
    {
        if (configuration.TryGetValue("spec", out var spec) && spec is Dictionary<string, object?> s &&
            s.TryGetValue("accessControl", out var ac) && ac is Dictionary<string, object?> access)
        {
            var policies = access.TryGetValue("policies", out var p) && p is List<object?> list
                ? list.Cast<Dictionary<string, object?>>().ToDictionary(
                    x => (string)x["appId"]!, x => (string?)x.GetValueOrDefault("defaultAction") == "allow", StringComparer.Ordinal)
                : new Dictionary<string, bool>(StringComparer.Ordinal);
            return new InvocationAccessControl((string?)access.GetValueOrDefault("defaultAction") != "deny", policies);
        }
        return new InvocationAccessControl(true, new Dictionary<string, bool>());
    }

    public bool Allows(string callerAppId) => Policies.TryGetValue(callerAppId, out var allow) ? allow : DefaultAllow;
}
