using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using k8s.Models;

namespace Platform.Deployment.Tests;

/// <summary>
/// The five images (build/Container.props, imported by each service project and the clinician portal's) as MSBuild evaluates them:
/// a chiseled non-root base, the names and tag the chart expects, the ports the chart opens.
/// </summary>
public partial class ContainerImageTests
{
    public static readonly Dictionary<string, string> Projects = new()
    {
        ["identity"] = "services/Identity/Platform.Identity/Platform.Identity.csproj",
        ["consent"] = "services/Consent/Platform.Consent/Platform.Consent.csproj",
        ["record-vault"] = "services/RecordVault/Platform.RecordVault/Platform.RecordVault.csproj",
        ["ledger"] = "services/Ledger/Platform.Ledger/Platform.Ledger.csproj",
        [Platform.Portal] = "services/ClinicianPortal/Platform.ClinicianPortal/Platform.ClinicianPortal.csproj",
    };

    private static readonly Lazy<Dictionary<string, Evaluation>> Evaluations = new(() =>
        Projects.AsParallel().ToDictionary(p => p.Key, p => Evaluate(p.Value)));

    public static TheoryData<string> AppIds() => new(Platform.ImageIds);

    [Theory]
    [MemberData(nameof(AppIds))]
    public void Each_service_project_imports_the_container_settings_once(string appId)
    {
        var project = XDocument.Load(Repository.Path(Projects[appId]));
        var imports = project.Root!.Elements("Import").Select(i => i.Attribute("Project")?.Value ?? "").ToArray();
        Assert.Equal([@"..\..\..\build\Container.props"], imports);
    }

    [Fact]
    public void Nothing_else_becomes_an_image()
    {
        var importers = Directory.EnumerateFiles(Repository.Path("services"), "*.csproj", SearchOption.AllDirectories)
            .Where(f => File.ReadAllText(f).Contains("Container.props", StringComparison.Ordinal))
            .Select(f => Path.GetRelativePath(Repository.Root, f).Replace('\\', '/'))
            .Order(StringComparer.Ordinal);
        Assert.Equal(Projects.Values.Order(StringComparer.Ordinal), importers);
    }

    [Theory]
    [MemberData(nameof(AppIds))]
    public void The_image_is_chiseled_and_runs_as_the_non_root_app_user(string appId)
    {
        var image = Evaluations.Value[appId];
        Assert.Matches("^mcr\\.microsoft\\.com/dotnet/aspnet:10\\.0-noble-chiseled", image.Properties["ContainerBaseImage"]);
        Assert.Equal(Platform.AppUser.ToString(System.Globalization.CultureInfo.InvariantCulture), image.Properties["ContainerUser"]);
        Assert.Equal("true", image.Properties["EnableSdkContainerSupport"], ignoreCase: true);
    }

    [Fact]
    public void Culture_aware_services_get_the_chiseled_image_that_carries_icu()
    {
        // Directory.Build.props keeps InvariantGlobalization=false; the plain chiseled image has no ICU and the
        // runtime would refuse to start, the "-extra" flavour has ICU and tzdata.
        var invariant = XDocument.Load(Repository.Path("Directory.Build.props")).Descendants("InvariantGlobalization").Single().Value;
        Assert.Equal("false", invariant, ignoreCase: true);
        Assert.All(Evaluations.Value.Values, e => Assert.EndsWith("-chiseled-extra", e.Properties["ContainerBaseImage"], StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(AppIds))]
    public void The_image_has_the_name_and_tag_the_chart_deploys(string appId)
    {
        var image = Evaluations.Value[appId];
        var workload = Assert.Single(Manifests.Of("values-minimal.yaml").ImageWorkloads, w => w.Component == appId);
        // values-minimal.yaml runs the images from the node's store: exactly repository:tag as published.
        Assert.Equal($"{image.Properties["ContainerRepository"]}:{image.Properties["ContainerImageTag"]}", workload.MainContainer.Image);
        var chart = Repository.Read("charts", "platform", "Chart.yaml");
        Assert.Contains($"appVersion: \"{image.Properties["ContainerImageTag"]}\"", chart, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(AppIds))]
    public void The_image_exposes_the_ports_the_pod_opens(string appId)
    {
        var image = Evaluations.Value[appId];
        var workload = Assert.Single(Manifests.Of("values.yaml").ImageWorkloads, w => w.Component == appId);
        Assert.Equal(
            workload.MainContainer.Ports.Select(p => p.ContainerPort).Order(),
            image.Ports.Select(p => int.Parse(p, System.Globalization.CultureInfo.InvariantCulture)).Order());
    }

    /// <summary>The dotnet host running these tests (DOTNET_HOST_PATH under dotnet test), else the one on PATH.</summary>
    public static string Dotnet =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    private sealed record Evaluation(Dictionary<string, string> Properties, string[] Ports);

    private static Evaluation Evaluate(string project)
    {
        var start = new ProcessStartInfo(Dotnet)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Repository.Root,
        };
        foreach (var argument in new[] { "msbuild", project, "-nologo",
                     "-getProperty:ContainerBaseImage", "-getProperty:ContainerUser", "-getProperty:ContainerRepository",
                     "-getProperty:ContainerImageTag", "-getProperty:EnableSdkContainerSupport", "-getItem:ContainerPort" })
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"dotnet msbuild {project}: {error}{output}");
        using var json = JsonDocument.Parse(output);
        var properties = json.RootElement.GetProperty("Properties").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? "");
        var ports = json.RootElement.GetProperty("Items").GetProperty("ContainerPort").EnumerateArray()
            .Select(i => i.GetProperty("Identity").GetString()!).ToArray();
        return new Evaluation(properties, ports);
    }
}
