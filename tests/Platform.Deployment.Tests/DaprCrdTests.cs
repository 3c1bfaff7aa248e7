using System.Text.Json.Nodes;

namespace Platform.Deployment.Tests;

/// <summary>
/// Every Dapr object the chart renders (default, production and minimal values) and every file in components/,
/// checked against the CRDs Dapr itself installs, for each supported release (Crds/SOURCE.md). The API server
/// refuses an object that breaks its CRD (a pre-install hook refused fails the whole <c>helm install</c>) and drops
/// unknown fields silently, so both are findings.
/// </summary>
public class DaprCrdTests
{
    /// <summary>The supported Dapr releases, oldest first; docs/deploy.md states the same range.</summary>
    public static readonly string[] SupportedReleases = ["1.16.19", "1.18.3"];

    private static readonly Dictionary<string, CustomResourceSchemas> Schemas = SupportedReleases.ToDictionary(
        r => r, r => CustomResourceSchemas.Load(Repository.Path("tests", "Platform.Deployment.Tests", "Crds", $"dapr-{r}")));

    public static TheoryData<string, string> ValuesFilesAndReleases()
    {
        var data = new TheoryData<string, string>();
        foreach (var values in Helm.ValuesFiles)
        {
            foreach (var release in SupportedReleases)
            {
                data.Add(values, release);
            }
        }
        return data;
    }

    public static TheoryData<string> Releases() => new(SupportedReleases);

    [Theory]
    [MemberData(nameof(ValuesFilesAndReleases))]
    public void Every_rendered_Dapr_object_is_valid_against_the_release_CRDs(string valuesFile, string release)
    {
        var daprObjects = DaprObjects(Helm.Render(valuesFile)).ToArray();
        Assert.NotEmpty(daprObjects);
        var findings = daprObjects.SelectMany(o => Schemas[release].Check(o).Select(f => $"{Describe(o)} {f}")).ToArray();
        Assert.True(findings.Length == 0, $"{valuesFile} on Dapr {release}:\n{string.Join('\n', findings)}");
    }

    [Theory]
    [MemberData(nameof(Releases))]
    public void The_Dapr_objects_of_the_chart_options_are_valid_against_the_release_CRDs(string release)
    {
        string[][] options = [["dapr.builtInSecretStore=true"], ["dapr.pubsub.topicScopes=false"], ["dapr.tracing.otlpEndpoint="], ["redis.enableTLS=true"]];
        foreach (var sets in options)
        {
            var findings = DaprObjects(Helm.Render("values.yaml", sets)).SelectMany(o => Schemas[release].Check(o).Select(f => $"{Describe(o)} {f}")).ToArray();
            Assert.True(findings.Length == 0, $"{string.Join(' ', sets)} on Dapr {release}:\n{string.Join('\n', findings)}");
        }
    }

    [Theory]
    [MemberData(nameof(Releases))]
    public void Every_file_in_components_is_valid_against_the_release_CRDs(string release)
    {
        var files = Directory.EnumerateFiles(Repository.Path("components"), "*.yaml").ToArray();
        Assert.NotEmpty(files);
        var findings = files
            .SelectMany(f => DaprObjects(File.ReadAllText(f)).SelectMany(o => Schemas[release].Check(o).Select(x => $"{Path.GetFileName(f)} {x}")))
            .ToArray();
        Assert.True(findings.Length == 0, $"components/ on Dapr {release}:\n{string.Join('\n', findings)}");
    }

    [Theory]
    [MemberData(nameof(Releases))]
    public void The_release_CRDs_cover_every_kind_the_platform_uses(string release)
    {
        foreach (var kind in new[] { "Component", "Configuration", "Resiliency", "Subscription", "HTTPEndpoint" })
        {
            Assert.True(Schemas[release].Knows("dapr.io/v1alpha1", kind) || Schemas[release].Knows("dapr.io/v2alpha1", kind), kind);
        }
    }

    [Fact]
    public void The_deployment_guide_states_the_range_of_releases_checked_here()
    {
        static string Minor(string release) => string.Join('.', release.Split('.').Take(2));
        var range = $"| Dapr control plane | {Minor(SupportedReleases[0])} to {Minor(SupportedReleases[^1])} ";
        Assert.Contains(range, Repository.Read("docs", "deploy.md"), StringComparison.Ordinal);
    }

    // The checker against the real CRDs: each kind of mistake it must catch (so a clean result above means something).

    [Theory]
    [MemberData(nameof(Releases))]
    public void An_app_configuration_with_mtls_enabled_only_is_refused(string release)
    {
        // What the chart rendered before: Dapr 1.15+ requires the control plane's trust domain and sentry address.
        var findings = Schemas[release].Check(Resource("Configuration", """{ "mtls": { "enabled": true } }"""));
        Assert.Contains(findings, f => f.StartsWith("/spec/mtls: required field \"controlPlaneTrustDomain\"", StringComparison.Ordinal));
        Assert.Contains(findings, f => f.StartsWith("/spec/mtls: required field \"sentryAddress\"", StringComparison.Ordinal));
    }

    [Fact]
    public void An_unknown_field_is_a_finding()
    {
        var findings = Schemas["1.16.19"].Check(Resource("Resiliency", """{ "policies": { "retries": { "r": { "policy": "constant", "backoff": "1s" } } }, "targets": {} }"""));
        Assert.Equal(["/spec/policies/retries/r/backoff: unknown field (the API server drops it)"], findings);
    }

    [Fact]
    public void A_wrongly_typed_value_is_a_finding()
    {
        var findings = Schemas["1.16.19"].Check(Resource("Configuration", """{ "metrics": { "enabled": "yes" } }"""));
        Assert.Equal(["/spec/metrics/enabled: expected boolean, found string"], findings);
    }

    [Fact]
    public void A_component_without_its_type_is_a_finding()
    {
        var findings = Schemas["1.16.19"].Check(Resource("Component", """{ "version": "v1", "metadata": [] }"""));
        Assert.Contains(findings, f => f.Contains("required field \"type\"", StringComparison.Ordinal));
    }

    [Fact]
    public void A_kind_that_Dapr_does_not_define_is_a_finding()
    {
        var resource = Resource("Configuration", "{}");
        resource["kind"] = "Configurations";
        Assert.Single(Schemas["1.16.19"].Check(resource));
    }

    private static IEnumerable<JsonObject> DaprObjects(string yaml) =>
        YamlJson.LoadAll(yaml).Where(o => ((string?)o["apiVersion"])?.StartsWith("dapr.io/", StringComparison.Ordinal) == true);

    private static JsonObject Resource(string kind, string spec) => new()
    {
        ["apiVersion"] = "dapr.io/v1alpha1",
        ["kind"] = kind,
        ["metadata"] = new JsonObject { ["name"] = "x" },
        ["spec"] = JsonNode.Parse(spec),
    };

    private static string Describe(JsonObject o) => $"{(string?)o["kind"]}/{(string?)o["metadata"]?["name"]}";
}
