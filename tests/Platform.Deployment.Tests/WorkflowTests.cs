using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Platform.Deployment.Tests;

/// <summary>
/// The GitHub workflows cannot run here; they are checked for what they must do and for paths that exist.
/// </summary>
public partial class WorkflowTests
{
    private static string WorkflowPath(string name) => Repository.Path(".github", "workflows", name);

    public static TheoryData<string> Workflows() =>
        new(Directory.EnumerateFiles(Repository.Path(".github", "workflows"), "*.yml").Select(Path.GetFileName).Order(StringComparer.Ordinal)!);

    [Theory]
    [MemberData(nameof(Workflows))]
    public void Each_workflow_is_valid_yaml_with_triggers_and_jobs_whose_steps_run_or_use(string workflow)
    {
        var root = Load(workflow);
        Assert.True(root.Children.ContainsKey(new YamlScalarNode("on")), $"{workflow}: no trigger");
        var jobs = Assert.IsType<YamlMappingNode>(root.Children[new YamlScalarNode("jobs")]);
        Assert.NotEmpty(jobs.Children);
        foreach (var (name, job) in jobs.Children)
        {
            var steps = Assert.IsType<YamlSequenceNode>(((YamlMappingNode)job).Children[new YamlScalarNode("steps")]);
            Assert.All(steps.Cast<YamlMappingNode>(), s => Assert.True(
                s.Children.ContainsKey(new YamlScalarNode("run")) ^ s.Children.ContainsKey(new YamlScalarNode("uses")),
                $"{workflow}/{name}: a step needs exactly one of run and uses"));
            Assert.True(((YamlMappingNode)job).Children.ContainsKey(new YamlScalarNode("timeout-minutes")), $"{workflow}/{name}: no timeout");
        }
    }

    [Theory]
    [MemberData(nameof(Workflows))]
    public void Every_repository_path_a_workflow_names_exists(string workflow)
    {
        var text = File.ReadAllText(WorkflowPath(workflow));
        var paths = RepositoryPath().Matches(text).Select(m => m.Value.TrimEnd('.', ',', ';', ')')).Distinct().ToArray();
        foreach (var path in paths.Where(p => !p.Contains('*', StringComparison.Ordinal)))
        {
            Assert.True(File.Exists(Repository.Path(path)) || Directory.Exists(Repository.Path(path)), $"{workflow} names {path}, which does not exist");
        }
    }

    [Fact]
    public void Ci_runs_the_whole_suite_the_readme_names()
    {
        var text = File.ReadAllText(WorkflowPath("ci.yml"));
        Assert.Matches(@"run: bash (tests/run\.sh|\.ci/run)", text);
        Assert.Contains("bash tests/tools/install-helm.sh", Repository.Read("tests", "run.sh"), StringComparison.Ordinal);
    }

    [Fact]
    public void The_chart_workflow_lints_every_values_file_and_runs_the_deployment_tests()
    {
        var text = File.ReadAllText(WorkflowPath("charts.yml"));
        Assert.Contains("tests/tools/install-helm.sh", text, StringComparison.Ordinal);
        Assert.Contains("lint --strict", text, StringComparison.Ordinal);
        foreach (var values in Helm.ValuesFiles)
        {
            Assert.Contains(values, text, StringComparison.Ordinal);
        }
        Assert.Contains("dotnet test tests/Platform.Deployment.Tests", text, StringComparison.Ordinal);
        Assert.Contains("skaffold diagnose", text, StringComparison.Ordinal);
    }

    [Fact]
    public void The_end_to_end_workflow_installs_dapr_and_the_chart_on_kind_and_runs_the_smoke_test()
    {
        var text = File.ReadAllText(WorkflowPath("e2e.yml"));
        Assert.Contains("helm/kind-action@", text, StringComparison.Ordinal);
        Assert.Contains("dapr/dapr", text, StringComparison.Ordinal);
        Assert.Contains("global.mtls.enabled=true", text, StringComparison.Ordinal);
        Assert.Contains("pod-security.kubernetes.io/enforce=restricted", text, StringComparison.Ordinal);
        Assert.Contains("-t:PublishContainer", text, StringComparison.Ordinal);
        Assert.Contains("kind load docker-image", text, StringComparison.Ordinal);
        Assert.Matches(@"helm install platform charts/platform [^\n]*\n?[^\n]*-f charts/platform/values-minimal\.yaml", text);
        Assert.Contains("helm test platform", text, StringComparison.Ordinal);
        // The smoke test it runs exists in the chart and is a helm test hook.
        var hook = Assert.Single(Manifests.Of("values-minimal.yaml").Workloads, w => w.IsHook);
        Assert.Equal("test", hook.Annotations["helm.sh/hook"]);
        Assert.Contains("/health/ready", Assert.Single(hook.Spec.Containers).Args[0], StringComparison.Ordinal);
    }

    [Fact]
    public void The_end_to_end_workflow_pins_a_Dapr_release_whose_CRDs_the_tests_check()
    {
        var pinned = Regex.Match(File.ReadAllText(WorkflowPath("e2e.yml")), "DAPR_CHART_VERSION: \"([^\"]+)\"").Groups[1].Value;
        Assert.Contains(pinned, DaprCrdTests.SupportedReleases);
        Assert.Contains($"--version {pinned}", Repository.Read("docs", "deploy.md"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ci.yml")]
    [InlineData("charts.yml")]
    [InlineData("e2e.yml")]
    [InlineData("images.yml")]
    public void Every_workflow_states_its_token_permissions(string workflow)
    {
        // Without a permissions block the job's token gets the repository's default, which may be write-all.
        var permissions = Assert.IsType<YamlMappingNode>(Load(workflow).Children[new YamlScalarNode("permissions")]);
        Assert.Equal("read", ((YamlScalarNode)permissions.Children[new YamlScalarNode("contents")]).Value);
    }

    [Fact]
    public void The_end_to_end_workflow_rolls_every_service_and_fails_the_run_when_a_step_fails()
    {
        var text = File.ReadAllText(WorkflowPath("e2e.yml"));
        foreach (var key in new[] { "identity", "consent", "recordVault", "ledger" })
        {
            Assert.Contains($"{key}.podAnnotations.e2e-rollout", text, StringComparison.Ordinal);
        }
        Assert.Contains("rollout status statefulset/platform-ledger", text, StringComparison.Ordinal);
        // Every step blocks: the pod-kill and upgrade steps are gates, not reports.
        Assert.DoesNotContain("continue-on-error", text, StringComparison.Ordinal);
    }

    [Fact]
    public void The_end_to_end_workflow_runs_the_pub_sub_journey_as_a_blocking_step_after_install_pod_loss_and_upgrade()
    {
        var job = (YamlMappingNode)((YamlMappingNode)Load("e2e.yml").Children[new YamlScalarNode("jobs")]).Children[new YamlScalarNode("kind")];
        Assert.False(job.Children.ContainsKey(new YamlScalarNode("continue-on-error")), "the e2e job must not continue on error");
        var steps = ((YamlSequenceNode)job.Children[new YamlScalarNode("steps")]).Cast<YamlMappingNode>()
            .Select(s => (Name: Scalar(s, "name"), Run: Scalar(s, "run"), Step: s)).ToList();
        int Index(string name) => steps.FindIndex(s => s.Name?.StartsWith(name, StringComparison.Ordinal) == true);
        var install = Index("Install the platform");
        Assert.Contains("-f tests/e2e/values-e2e.yaml", steps[install].Run, StringComparison.Ordinal);

        var journeys = steps.Select((s, i) => (s, i)).Where(x => x.s.Run?.Contains("tests/e2e/cluster-journey.sh", StringComparison.Ordinal) == true).ToList();
        // After the first install, after losing a ledger replica, and after the rolling upgrade.
        Assert.Equal(3, journeys.Count);
        Assert.True(journeys[0].i > install);
        Assert.Contains(journeys, j => j.i == Index("The ledger survives losing a replica"));
        Assert.Contains(journeys, j => j.i == Index("A rolling upgrade of every service"));
        var tools = Index("Tools of the journey");
        Assert.InRange(tools, 0, journeys[0].i - 1);
        Assert.Contains("oathtool", steps[tools].Run, StringComparison.Ordinal);
        foreach (var (step, _) in journeys)
        {
            // A gate: no condition, no continue-on-error, and the journey is the step's last command, its exit
            // status unmasked (Actions runs `bash -e`, which stops at the first failing command).
            Assert.False(step.Step.Children.ContainsKey(new YamlScalarNode("continue-on-error")), step.Name);
            Assert.False(step.Step.Children.ContainsKey(new YamlScalarNode("if")), step.Name);
            Assert.False(step.Step.Children.ContainsKey(new YamlScalarNode("shell")), $"{step.Name}: the default shell is bash -e");
            var last = step.Run!.TrimEnd().Split('\n')[^1].Trim();
            Assert.Equal("bash tests/e2e/cluster-journey.sh", last);
        }
        // The scripts stop at the first failure, and the cluster wrapper runs the journey the dev host test runs.
        foreach (var script in new[] { "journey.sh", "cluster-journey.sh" })
        {
            Assert.Contains("set -euo pipefail", Repository.Read("tests", "e2e", script), StringComparison.Ordinal);
        }
        Assert.Matches(@"\n\s*""\$here/journey\.sh""\s*$", Repository.Read("tests", "e2e", "cluster-journey.sh"));
    }

    private static string? Scalar(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? ((YamlScalarNode)value).Value : null;

    [Fact]
    public void The_end_to_end_workflow_loads_every_image_the_chart_runs()
    {
        var text = File.ReadAllText(WorkflowPath("e2e.yml"));
        foreach (var workload in Manifests.Of("values-minimal.yaml").ServiceWorkloads)
        {
            var repository = workload.MainContainer.Image.Split(':')[0];
            Assert.Contains(repository, text, StringComparison.Ordinal);
        }
    }

    private static YamlMappingNode Load(string workflow)
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(WorkflowPath(workflow));
        stream.Load(reader);
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    [GeneratedRegex(@"(?<![\w/.-])(?:charts|services|tests|components|build|docs)/[\w./*-]+")]
    private static partial Regex RepositoryPath();
}
