using System.Collections.Concurrent;
using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace Platform.Deployment.Tests;

/// <summary>
/// Rendered manifests as typed Kubernetes objects (KubernetesClient models, strict: an unknown field is an error,
/// so a misspelt key in a template fails here instead of being dropped by the API server).
/// </summary>
public sealed class Manifests
{
    /// <summary>The Dapr and Prometheus Operator kinds the chart renders, beside the built-in ones.</summary>
    private static readonly Dictionary<string, Type> CustomKinds = new()
    {
        ["dapr.io/v1alpha1/Component"] = typeof(DaprComponent),
        ["dapr.io/v1alpha1/Resiliency"] = typeof(DaprResiliency),
        ["dapr.io/v1alpha1/Configuration"] = typeof(DaprConfiguration),
        ["monitoring.coreos.com/v1/ServiceMonitor"] = typeof(ServiceMonitor),
    };

    private static readonly ConcurrentDictionary<string, Lazy<Manifests>> Cache = new();

    public IReadOnlyList<IKubernetesObject<V1ObjectMeta>> Objects { get; }

    private Manifests(IReadOnlyList<IKubernetesObject<V1ObjectMeta>> objects) => Objects = objects;

    public static Manifests Parse(string yaml) =>
        new(KubernetesYaml.LoadAllFromString(yaml, CustomKinds, strict: true)
            .Select(o => o as IKubernetesObject<V1ObjectMeta>
                ?? throw new InvalidOperationException($"{o.GetType().Name} has no object metadata."))
            .ToArray());

    /// <summary>The chart rendered with one of its values files (cached per values file).</summary>
    public static Manifests Of(string valuesFile) =>
        Cache.GetOrAdd(valuesFile, f => new Lazy<Manifests>(() => Parse(Helm.Render(f)))).Value;

    public IEnumerable<T> All<T>() => Objects.OfType<T>();

    public T Single<T>(string name) where T : IKubernetesObject<V1ObjectMeta> =>
        Assert.Single(Objects.OfType<T>(), o => o.Metadata.Name == name);

    /// <summary>Every pod the release creates: Deployment, StatefulSet and Job templates (Jobs: the migration hooks), and bare Pods (helm test hooks).</summary>
    public IEnumerable<Workload> Workloads
    {
        get
        {
            foreach (var d in All<V1Deployment>())
            {
                yield return new Workload(d.Kind, d.Metadata.Name, d.Spec.Template.Metadata, d.Spec.Template.Spec, IsHook: false);
            }
            foreach (var s in All<V1StatefulSet>())
            {
                yield return new Workload(s.Kind, s.Metadata.Name, s.Spec.Template.Metadata, s.Spec.Template.Spec, IsHook: false);
            }
            foreach (var j in All<V1Job>())
            {
                var hook = j.Metadata.Annotations?.ContainsKey("helm.sh/hook") == true;
                yield return new Workload(j.Kind, j.Metadata.Name, j.Spec.Template.Metadata, j.Spec.Template.Spec, hook);
            }
            foreach (var p in All<V1Pod>())
            {
                var hook = p.Metadata.Annotations?.ContainsKey("helm.sh/hook") == true;
                yield return new Workload(p.Kind, p.Metadata.Name, p.Metadata, p.Spec, hook);
            }
        }
    }

    /// <summary>The four platform services' pod templates (component label identity, consent, record-vault or ledger).</summary>
    public IEnumerable<Workload> ServiceWorkloads => Workloads.Where(w => Platform.AppIds.Contains(w.Component));

    /// <summary>The pod templates of every image the repository builds: the four services and the clinician portal (no hooks).</summary>
    public IEnumerable<Workload> ImageWorkloads => Workloads.Where(w => !w.IsHook && Platform.ImageIds.Contains(w.Component));
}

public sealed record Workload(string Kind, string Name, V1ObjectMeta Metadata, V1PodSpec Spec, bool IsHook)
{
    public string? Component => Metadata.Labels?.TryGetValue("app.kubernetes.io/component", out var c) == true ? c : null;

    public IDictionary<string, string> Annotations => Metadata.Annotations ?? new Dictionary<string, string>();

    public V1Container MainContainer => Assert.Single(Spec.Containers);

    public override string ToString() => $"{Kind}/{Name}";
}

/// <summary>The platform's fixed facts the tests check the deployment against.</summary>
public static class Platform
{
    /// <summary>Dapr app-ids, which are also the services' names in configuration.</summary>
    public static readonly string[] AppIds = ["identity", "consent", "record-vault", "ledger"];

    /// <summary>The clinician portal's component label: a deployable with an image, but no Dapr app-id, database or key provider.</summary>
    public const string Portal = "clinician-portal";

    /// <summary>Everything the repository builds an image for: the services and the clinician portal.</summary>
    public static readonly string[] ImageIds = [.. AppIds, Portal];

    public const int HttpPort = 8080;
    public const int AppUser = 1654;

    public static string ResourceName(string appId) => $"{Helm.Release}-{appId}";

    public static string ValuesKey(string appId) => appId switch
    {
        "record-vault" => "recordVault",
        Portal => "clinicianPortal",
        _ => appId,
    };
}

// Dapr resources (dapr.io/v1alpha1). Component is modelled field by field: every key the chart may write is
// known, and strict parsing refuses any other. Resiliency and Configuration keep their spec as a tree.

public sealed class DaprComponent : IKubernetesObject<V1ObjectMeta>
{
    [JsonPropertyName("apiVersion")] public string ApiVersion { get; set; } = "";
    [JsonPropertyName("kind")] public string Kind { get; set; } = "";
    [JsonPropertyName("metadata")] public V1ObjectMeta Metadata { get; set; } = new();
    [JsonPropertyName("spec")] public DaprComponentSpec Spec { get; set; } = new();
    [JsonPropertyName("auth")] public DaprComponentAuth? Auth { get; set; }
    [JsonPropertyName("scopes")] public List<string>? Scopes { get; set; }

    public DaprMetadataItem? Item(string name) => Spec.Metadata?.SingleOrDefault(m => m.Name == name);
}

public sealed class DaprComponentSpec
{
    [JsonPropertyName("type")] public string Type { get; set; } = "";
    [JsonPropertyName("version")] public string Version { get; set; } = "";
    [JsonPropertyName("ignoreErrors")] public bool? IgnoreErrors { get; set; }
    [JsonPropertyName("initTimeout")] public string? InitTimeout { get; set; }
    [JsonPropertyName("metadata")] public List<DaprMetadataItem>? Metadata { get; set; }
}

public sealed class DaprMetadataItem
{
    [JsonPropertyName("name")] public string Name { get; set; } = "";
    [JsonPropertyName("value")] public string? Value { get; set; }
    [JsonPropertyName("secretKeyRef")] public DaprSecretKeyRef? SecretKeyRef { get; set; }
}

public sealed class DaprSecretKeyRef
{
    [JsonPropertyName("name")] public string Name { get; set; } = "";
    [JsonPropertyName("key")] public string Key { get; set; } = "";
}

public sealed class DaprComponentAuth
{
    [JsonPropertyName("secretStore")] public string SecretStore { get; set; } = "";
}

public sealed class DaprResiliency : IKubernetesObject<V1ObjectMeta>
{
    [JsonPropertyName("apiVersion")] public string ApiVersion { get; set; } = "";
    [JsonPropertyName("kind")] public string Kind { get; set; } = "";
    [JsonPropertyName("metadata")] public V1ObjectMeta Metadata { get; set; } = new();
    [JsonPropertyName("spec")] public Dictionary<string, object> Spec { get; set; } = [];
    [JsonPropertyName("scopes")] public List<string>? Scopes { get; set; }
}

public sealed class DaprConfiguration : IKubernetesObject<V1ObjectMeta>
{
    [JsonPropertyName("apiVersion")] public string ApiVersion { get; set; } = "";
    [JsonPropertyName("kind")] public string Kind { get; set; } = "";
    [JsonPropertyName("metadata")] public V1ObjectMeta Metadata { get; set; } = new();
    [JsonPropertyName("spec")] public Dictionary<string, object> Spec { get; set; } = [];
    [JsonPropertyName("scopes")] public List<string>? Scopes { get; set; }
}

public sealed class ServiceMonitor : IKubernetesObject<V1ObjectMeta>
{
    [JsonPropertyName("apiVersion")] public string ApiVersion { get; set; } = "";
    [JsonPropertyName("kind")] public string Kind { get; set; } = "";
    [JsonPropertyName("metadata")] public V1ObjectMeta Metadata { get; set; } = new();
    [JsonPropertyName("spec")] public Dictionary<string, object> Spec { get; set; } = [];
}

/// <summary>Walks the untyped trees of Resiliency and Configuration specs.</summary>
public static class Tree
{
    public static object? At(object? node, params string[] path)
    {
        foreach (var key in path)
        {
            node = node switch
            {
                IDictionary<string, object> d => d.TryGetValue(key, out var v) ? v : null,
                IDictionary<object, object> d => d.TryGetValue(key, out var v) ? v : null,
                _ => null,
            };
        }
        return node;
    }

    public static string? Text(object? node, params string[] path) => At(node, path)?.ToString();

    public static IEnumerable<string> Keys(object? node) => node switch
    {
        IDictionary<string, object> d => d.Keys,
        IDictionary<object, object> d => d.Keys.Select(k => k.ToString()!),
        _ => [],
    };

    public static IEnumerable<object> Items(object? node) => node as IEnumerable<object> is { } list && node is not string ? list : [];
}
