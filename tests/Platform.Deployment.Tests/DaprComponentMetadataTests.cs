using System.Text.Json.Nodes;

namespace Platform.Deployment.Tests;

/// <summary>
/// Every <c>spec.metadata</c> name of the platform's components is one the component type knows, by the metadata
/// Dapr publishes for it (components-contrib, Crds/SOURCE.md), for each supported release. The runtime ignores an
/// unknown name, so a misspelt or too-new setting (such as streamTTL before 1.16) would silently do nothing.
/// </summary>
public class DaprComponentMetadataTests
{
    /// <summary>Pub/sub settings the Dapr runtime reads for every pub/sub type (docs: "Scope Pub/sub topic access").</summary>
    private static readonly string[] RuntimePubSubMetadata = ["allowedTopics", "publishingScopes", "subscriptionScopes", "protectedTopics"];

    public static TheoryData<string, string> ContribReleasesAndValues()
    {
        var data = new TheoryData<string, string>();
        foreach (var contrib in ContribFolders())
        {
            foreach (var values in Helm.ValuesFiles)
            {
                data.Add(contrib, values);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(ContribReleasesAndValues))]
    public void Every_metadata_name_is_known_to_its_component_type(string contrib, string valuesFile)
    {
        var components = YamlJson.LoadAll(Helm.Render(valuesFile))
            .Concat(Directory.EnumerateFiles(Repository.Path("components"), "*.yaml").SelectMany(f => YamlJson.LoadAll(File.ReadAllText(f))))
            .Where(o => (string?)o["kind"] == "Component")
            .ToArray();
        Assert.NotEmpty(components);
        foreach (var component in components)
        {
            var type = (string)component["spec"]!["type"]!;
            var known = Known(contrib, type);
            foreach (var name in component["spec"]!["metadata"]!.AsArray().Select(m => (string)m!["name"]!))
            {
                Assert.True(known.Contains(name), $"{type} in components-contrib {contrib} has no metadata '{name}'");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Contribs))]
    public void The_streams_are_bounded_by_age_with_one_trimming_strategy(string contrib)
    {
        var pubsub = YamlJson.LoadAll(Helm.Render("values.yaml")).Single(o => (string?)o["spec"]?["type"] == "pubsub.redis");
        var metadata = pubsub["spec"]!["metadata"]!.AsArray().ToDictionary(m => (string)m!["name"]!, m => (string?)m!["value"]);
        Assert.Contains("streamTTL", Known(contrib, "pubsub.redis"));
        Assert.True(TimeSpan.FromHours(24) <= ParseHours(metadata["streamTTL"]!), "keep entries at least a day");
        // components-contrib: maxLenApprox and streamTTL cannot be used together.
        Assert.False(metadata.ContainsKey("maxLenApprox"));
    }

    [Fact]
    public void The_checker_refuses_a_name_the_component_does_not_know()
    {
        Assert.DoesNotContain("streamTtl", Known(ContribFolders()[0], "pubsub.redis"));
        Assert.Contains("redisPassword", Known(ContribFolders()[0], "pubsub.redis")); // from an authentication profile
    }

    public static TheoryData<string> Contribs() => new(ContribFolders());

    private static string[] ContribFolders() =>
        Directory.EnumerateDirectories(Repository.Path("tests", "Platform.Deployment.Tests", "Crds"), "components-contrib-*")
            .Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToArray();

    /// <summary>The names in metadata.yaml: its metadata list and those of its authentication profiles.</summary>
    private static HashSet<string> Known(string contrib, string type)
    {
        var file = Repository.Path("tests", "Platform.Deployment.Tests", "Crds", contrib, $"{type}.metadata.yaml");
        Assert.True(File.Exists(file), $"no vendored metadata for {type} in {contrib}");
        var spec = YamlJson.LoadAll(File.ReadAllText(file)).Single();
        var names = new HashSet<string>(StringComparer.Ordinal);
        void Add(JsonNode? list)
        {
            foreach (var item in list?.AsArray() ?? [])
            {
                names.Add((string)item!["name"]!);
            }
        }
        Add(spec["metadata"]);
        foreach (var profile in (spec["authenticationProfiles"]?.AsArray() ?? []).Concat(spec["builtinAuthenticationProfiles"]?.AsArray() ?? []))
        {
            Add(profile!["metadata"]);
            foreach (var inner in profile["profiles"]?.AsArray() ?? [])
            {
                Add(inner!["metadata"]);
            }
        }
        if (type.StartsWith("pubsub.", StringComparison.Ordinal))
        {
            names.UnionWith(RuntimePubSubMetadata);
        }
        return names;
    }

    private static TimeSpan ParseHours(string goDuration) =>
        goDuration.EndsWith('h') ? TimeSpan.FromHours(double.Parse(goDuration[..^1], System.Globalization.CultureInfo.InvariantCulture))
            : throw new FormatException($"expected hours: {goDuration}");
}
