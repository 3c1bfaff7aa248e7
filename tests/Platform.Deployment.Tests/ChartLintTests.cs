namespace Platform.Deployment.Tests;

/// <summary><c>helm lint --strict</c> and <c>helm template</c> for every chart and every values file it ships.</summary>
public class ChartLintTests
{
    public static TheoryData<string, string> ChartsAndValues()
    {
        var data = new TheoryData<string, string>();
        foreach (var chart in Repository.Charts)
        {
            foreach (var values in Directory.EnumerateFiles(chart, "values*.yaml").Select(Path.GetFileName).Order(StringComparer.Ordinal))
            {
                data.Add(Path.GetRelativePath(Repository.Root, chart), values!);
            }
        }
        return data;
    }

    [Fact]
    public void The_charts_are_the_umbrella_chart_with_its_three_values_files()
    {
        Assert.Equal([Path.Combine("charts", "platform")], Repository.Charts.Select(c => Path.GetRelativePath(Repository.Root, c)));
        foreach (var values in Helm.ValuesFiles)
        {
            Assert.True(File.Exists(Path.Combine(Repository.ChartDirectory, values)), $"charts/platform/{values} is missing");
        }
    }

    [Theory]
    [MemberData(nameof(ChartsAndValues))]
    public void Lints_strictly(string chart, string values)
    {
        var result = Helm.Run("lint", "--strict", chart, "--values", Path.Combine(chart, values));
        Assert.True(result.ExitCode == 0, result + result.StandardOutput);
        Assert.Contains("0 chart(s) failed", result.StandardOutput);
        Assert.DoesNotContain("[WARNING]", result.StandardOutput);
        Assert.DoesNotContain("[ERROR]", result.StandardOutput);
    }

    [Theory]
    [MemberData(nameof(ChartsAndValues))]
    public void Renders(string chart, string values)
    {
        var result = Helm.Run("template", Helm.Release, chart, "--namespace", Helm.Namespace, "--values", Path.Combine(chart, values));
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.NotEmpty(Manifests.Parse(result.StandardOutput).Objects);
    }

    [Fact]
    public void Every_chart_has_a_schema_notes_and_helpers()
    {
        foreach (var chart in Repository.Charts)
        {
            Assert.True(File.Exists(Path.Combine(chart, "values.schema.json")), $"{chart}: values.schema.json");
            Assert.True(File.Exists(Path.Combine(chart, "templates", "NOTES.txt")), $"{chart}: templates/NOTES.txt");
            Assert.True(File.Exists(Path.Combine(chart, "templates", "_helpers.tpl")), $"{chart}: templates/_helpers.tpl");
        }
    }

    [Fact]
    public void Every_value_is_documented_in_the_charts_readme()
    {
        var readme = Repository.Read("charts", "README.md");
        var stream = new YamlDotNet.RepresentationModel.YamlStream();
        using (var reader = new StreamReader(Path.Combine(Repository.ChartDirectory, "values.yaml")))
        {
            stream.Load(reader);
        }
        var root = (YamlDotNet.RepresentationModel.YamlMappingNode)stream.Documents[0].RootNode;
        var services = new[] { "identity", "consent", "recordVault", "ledger" };
        var missing = new List<string>();
        foreach (var (keyNode, valueNode) in root.Children)
        {
            var key = keyNode.ToString();
            if (valueNode is not YamlDotNet.RepresentationModel.YamlMappingNode children || children.Children.Count == 0)
            {
                if (!readme.Contains($"`{key}`", StringComparison.Ordinal))
                {
                    missing.Add(key);
                }
                continue;
            }
            foreach (var child in children.Children.Keys.Select(k => k.ToString()))
            {
                var documented = readme.Contains($"{key}.{child}", StringComparison.Ordinal)
                    || readme.Contains($"`{child}`", StringComparison.Ordinal)
                    || (services.Contains(key) && readme.Contains($"<service>.{child}", StringComparison.Ordinal));
                if (!documented)
                {
                    missing.Add($"{key}.{child}");
                }
            }
        }
        Assert.Empty(missing);
        Assert.True(root.Children.Count >= 15);
    }

    [Fact]
    public void The_typed_parser_refuses_unknown_fields_so_a_misspelt_key_cannot_pass()
    {
        const string misspelt = """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: x}
            spec:
              selector: {matchLabels: {a: b}}
              template:
                metadata: {labels: {a: b}}
                spec:
                  containers:
                    - name: x
                      image: x
                      readinesProbe: {httpGet: {path: /health/ready, port: 8080}}
            """;
        Assert.ThrowsAny<Exception>(() => Manifests.Parse(misspelt));
    }
}
