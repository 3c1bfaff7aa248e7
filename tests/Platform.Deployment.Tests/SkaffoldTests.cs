using k8s.Models;
using YamlDotNet.RepresentationModel;

namespace Platform.Deployment.Tests;

/// <summary>skaffold.yaml builds the images the chart deploys and hands the chart the values it knows.</summary>
public class SkaffoldTests
{
    private static readonly YamlMappingNode Config = Load(Repository.Path("skaffold.yaml"));

    [Fact]
    public void It_builds_the_five_images_with_the_sdk_container_support()
    {
        var artifacts = Sequence(Config, "build", "artifacts").Cast<YamlMappingNode>().ToArray();
        var images = artifacts.Select(a => Scalar(a, "image")).ToArray();
        var repositories = Platform.ImageIds.Select(id => ValuesRepository(id));
        Assert.Equal(repositories.Order(), images.Order());
        foreach (var artifact in artifacts)
        {
            var command = Scalar(artifact, "custom", "buildCommand");
            var appId = Platform.ImageIds.Single(id => ValuesRepository(id) == Scalar(artifact, "image"));
            var project = Path.GetDirectoryName(ContainerImageTests.Projects[appId])!.Replace('\\', '/');
            Assert.Contains($"dotnet publish {project} ", command, StringComparison.Ordinal);
            Assert.Contains("-t:PublishContainer", command, StringComparison.Ordinal);
            Assert.Contains("-p:ContainerRepository=", command, StringComparison.Ordinal);
            Assert.Contains("-p:ContainerImageTag=", command, StringComparison.Ordinal);
            var paths = Sequence(artifact, "custom", "dependencies", "paths").Select(p => ((YamlScalarNode)p).Value!).ToArray();
            Assert.Contains(paths, p => project.StartsWith(p.TrimEnd('*', '/'), StringComparison.Ordinal));
            Assert.Contains("services/BuildingBlocks/**", paths);
        }
    }

    [Fact]
    public void It_deploys_the_umbrella_chart_with_values_files_that_exist()
    {
        var release = (YamlMappingNode)Assert.Single(Sequence(Config, "deploy", "helm", "releases"));
        Assert.Equal("charts/platform", Scalar(release, "chartPath"));
        var files = Sequence(release, "valuesFiles").Select(v => ((YamlScalarNode)v).Value!)
            .Concat(Sequence(Config, "profiles").Cast<YamlMappingNode>()
                .SelectMany(p => Sequence(p, "patches").Cast<YamlMappingNode>())
                .Where(p => Scalar(p, "path").EndsWith("/valuesFiles", StringComparison.Ordinal))
                .SelectMany(p => ((YamlSequenceNode)p.Children["value"]).Select(v => ((YamlScalarNode)v).Value!)))
            .ToArray();
        Assert.Contains("charts/platform/values-minimal.yaml", files);
        Assert.Contains("charts/platform/values-production.yaml", files);
        Assert.All(files, f => Assert.True(File.Exists(Repository.Path(f)), $"{f} does not exist"));
    }

    [Fact]
    public void It_has_a_local_and_a_production_profile()
    {
        var profiles = Sequence(Config, "profiles").Cast<YamlMappingNode>().ToDictionary(p => Scalar(p, "name"));
        Assert.Equal(["local", "production"], profiles.Keys.Order());
        Assert.Equal("true", Scalar(profiles["production"], "build", "local", "push"));
        Assert.Contains(Sequence(profiles["local"], "activation").Cast<YamlMappingNode>(), a => Scalar(a, "kubeContext").StartsWith("kind", StringComparison.Ordinal));
    }

    [Fact]
    public void The_value_templates_set_values_the_chart_knows_and_each_service_runs_its_own_build()
    {
        var release = (YamlMappingNode)Assert.Single(Sequence(Config, "deploy", "helm", "releases"));
        var templates = ((YamlMappingNode)release.Children["setValueTemplates"]).Children
            .ToDictionary(c => ((YamlScalarNode)c.Key).Value!, c => ((YamlScalarNode)c.Value).Value!);
        const string digest = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
        // Stand-ins for what skaffold fills in: {{.IMAGE_REPO_x}}, {{.IMAGE_TAG_x}}, {{.IMAGE_DIGEST_x}}.
        var sets = templates.Select(t => t.Key + "=" + t.Value
            .Replace("{{.IMAGE_REPO_", "repo-", StringComparison.Ordinal)
            .Replace("{{.IMAGE_TAG_", "tag-", StringComparison.Ordinal)
            .Replace("{{.IMAGE_DIGEST_", "", StringComparison.Ordinal)
            .Replace("}}", "", StringComparison.Ordinal))
            .Select(s => s.Contains(".image.digest=", StringComparison.Ordinal) ? s[..(s.IndexOf('=') + 1)] + digest : s.Replace('_', '-'))
            .ToArray();
        var manifests = Manifests.Parse(Helm.Render("values-minimal.yaml", sets));
        foreach (var workload in manifests.ImageWorkloads)
        {
            var artifact = ValuesRepository(workload.Component!);
            Assert.Equal($"repo-{artifact}:tag-{artifact}@{digest}", workload.MainContainer.Image);
        }
        Assert.Equal(Platform.ImageIds.Length * 3 + 1, templates.Count);
    }

    private static string ValuesRepository(string appId)
    {
        var values = Load(Path.Combine(Repository.ChartDirectory, "values.yaml"));
        return Scalar(values, Platform.ValuesKey(appId), "image", "repository");
    }

    private static YamlMappingNode Load(string path)
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(path);
        stream.Load(reader);
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    private static YamlNode Node(YamlNode node, params string[] path)
    {
        foreach (var key in path)
        {
            var mapping = Assert.IsType<YamlMappingNode>(node);
            Assert.True(mapping.Children.TryGetValue(new YamlScalarNode(key), out var child), $"no key {key}");
            node = child;
        }
        return node;
    }

    private static string Scalar(YamlNode node, params string[] path) => ((YamlScalarNode)Node(node, path)).Value ?? "";

    private static YamlSequenceNode Sequence(YamlNode node, params string[] path) => Assert.IsType<YamlSequenceNode>(Node(node, path));
}
