using System.Formats.Tar;
using System.Globalization;
using System.Text.Json.Nodes;

namespace Platform.Deployment.Tests.Images;

/// <summary>
/// The images themselves, as the SDK builds them on a base with the real one's shape (<see cref="StandInBaseImage"/>):
/// what the container runtime would execute exists, as whom, on which ports, under which tag. ContainerImageTests
/// checks the MSBuild settings; this checks what they produce (an entrypoint of /appPlatform.Ledger.dll passed
/// the settings check and exits at start).
/// </summary>
[Collection(nameof(BuiltImagesCollection))]
public class ImageTests(BuiltImages images)
{
    public static TheoryData<string> AppIds() => new(Platform.ImageIds);

    [Theory]
    [MemberData(nameof(AppIds))]
    public void The_entrypoint_runs_the_service_assembly_with_the_dotnet_host_of_the_base(string appId)
    {
        var image = images.Of(appId);
        var command = (image.RuntimeConfig["Entrypoint"]?.AsArray() ?? []).Concat(image.RuntimeConfig["Cmd"]?.AsArray() ?? [])
            .Select(a => (string)a!).ToArray();
        Assert.True(command.Length >= 2, $"entrypoint: {string.Join(' ', command)}");
        // The runtime looks the program up on the image's PATH, then runs it with the assembly as argument.
        var path = Env(image, "PATH")!.Split(':');
        var program = command[0].StartsWith('/') ? command[0] : path.Select(p => $"{p}/{command[0]}").FirstOrDefault(p => image.Resolve(p) is not null);
        Assert.True(program is not null && image.Resolve(program) is { } host && image.Files[host].Type is TarEntryType.RegularFile or TarEntryType.V7RegularFile,
            $"{command[0]} is not an executable file on PATH {Env(image, "PATH")}");
        var assembly = command[1];
        Assert.StartsWith("/", assembly);
        Assert.True(image.Resolve(assembly) is not null, $"the entrypoint names {assembly}, which is not in the image");
        Assert.Equal(ContainerImageTests.Projects[appId].Split('/')[^1].Replace(".csproj", ".dll", StringComparison.Ordinal), Path.GetFileName(assembly));
    }

    [Theory]
    [MemberData(nameof(AppIds))]
    public void The_service_runs_as_the_non_root_user_the_chart_runs_it_as(string appId)
    {
        var image = images.Of(appId);
        var user = (string?)image.RuntimeConfig["User"];
        Assert.Equal(Platform.AppUser.ToString(CultureInfo.InvariantCulture), user);
        var workload = Assert.Single(Manifests.Of("values.yaml").ImageWorkloads, w => w.Component == appId);
        Assert.Equal(Platform.AppUser, workload.Spec.SecurityContext?.RunAsUser ?? workload.MainContainer.SecurityContext?.RunAsUser);
        // The app user must be able to read every file the service needs (the root filesystem is read-only in the pod).
        var unreadable = image.Files.Where(f => f.Key.StartsWith("/app/", StringComparison.Ordinal) && f.Value.Content is not null
            && (f.Value.Mode & UnixFileMode.OtherRead) == 0 && !(f.Value.Uid == Platform.AppUser && (f.Value.Mode & UnixFileMode.UserRead) != 0))
            .Select(f => f.Key).ToArray();
        Assert.Empty(unreadable);
    }

    [Theory]
    [MemberData(nameof(AppIds))]
    public void The_image_exposes_the_ports_the_chart_opens_and_listens_on_8080(string appId)
    {
        var image = images.Of(appId);
        var exposed = (image.RuntimeConfig["ExposedPorts"]?.AsObject() ?? []).Select(p => p.Key).Order(StringComparer.Ordinal);
        var workload = Assert.Single(Manifests.Of("values.yaml").ImageWorkloads, w => w.Component == appId);
        Assert.Equal(workload.MainContainer.Ports.Select(p => $"{p.ContainerPort}/tcp").Order(StringComparer.Ordinal), exposed);
        Assert.Equal(Platform.HttpPort.ToString(CultureInfo.InvariantCulture), Env(image, "ASPNETCORE_HTTP_PORTS"));
    }

    [Theory]
    [MemberData(nameof(AppIds))]
    public void The_image_is_tagged_and_labelled_with_the_charts_appVersion(string appId)
    {
        var image = images.Of(appId);
        var appVersion = ChartVersionTests.AppVersion();
        var workload = Assert.Single(Manifests.Of("values-minimal.yaml").ImageWorkloads, w => w.Component == appId);
        // values-minimal.yaml runs the images from the node's store: repository:tag exactly as the SDK names them.
        Assert.Contains(workload.MainContainer.Image, image.RepoTags.Select(t => t.Split('/')[^1]));
        Assert.EndsWith($":{appVersion}", workload.MainContainer.Image, StringComparison.Ordinal);
        Assert.Equal(appVersion, (string?)image.RuntimeConfig["Labels"]?["org.opencontainers.image.version"]);
    }

    [Theory]
    [MemberData(nameof(AppIds))]
    public void Every_image_carries_the_same_platform_labels_as_build_container_props_sets(string appId)
    {
        var labels = images.Of(appId).RuntimeConfig["Labels"]?.AsObject() ?? [];
        var props = System.Xml.Linq.XDocument.Load(Repository.Path("build", "Container.props"));
        var expected = props.Descendants("ContainerLabel").ToDictionary(l => l.Attribute("Include")!.Value, l => l.Attribute("Value")!.Value);
        Assert.NotEmpty(expected);
        foreach (var (name, value) in expected)
        {
            Assert.Equal(value, (string?)labels[name]);
        }
    }

    [Theory]
    [MemberData(nameof(AppIds))]
    public void The_image_is_built_for_linux_x64_only(string appId)
    {
        var image = images.Of(appId);
        Assert.Equal("amd64", (string?)image.Config["architecture"]);
        Assert.Equal("linux", (string?)image.Config["os"]);
        // RID-agnostic output would carry runtimes/<rid>/native for every platform SQLite ships for.
        Assert.DoesNotContain(image.Files.Keys, p => p.StartsWith("/app/runtimes/", StringComparison.Ordinal));
        Assert.Contains("/app/libe_sqlite3.so", image.Files.Keys);
    }

    [Theory]
    [MemberData(nameof(AppIds))]
    public void The_service_asks_for_shared_frameworks_the_base_image_carries(string appId)
    {
        var image = images.Of(appId);
        var name = Path.GetFileNameWithoutExtension(ContainerImageTests.Projects[appId]);
        var runtimeConfig = JsonNode.Parse(image.ReadFile($"/app/{name}.runtimeconfig.json"))!["runtimeOptions"]!;
        var frameworks = (runtimeConfig["frameworks"]?.AsArray() ?? [runtimeConfig["framework"]]).Select(f => f!).ToArray();
        Assert.NotEmpty(frameworks);
        foreach (var framework in frameworks)
        {
            var folder = $"/usr/share/dotnet/shared/{(string)framework["name"]!}";
            var available = image.Files.Keys.Where(p => p.StartsWith(folder + "/", StringComparison.Ordinal) && p.Count(c => c == '/') == folder.Count(c => c == '/') + 1)
                .Select(p => Version.Parse(p[(folder.Length + 1)..])).ToArray();
            var wanted = Version.Parse((string)framework["version"]!);
            Assert.Contains(available, v => v.Major == wanted.Major && v >= wanted);
        }
    }

    private static string? Env(ImageArchive image, string name) =>
        (image.RuntimeConfig["Env"]?.AsArray() ?? []).Select(e => (string)e!).Where(e => e.StartsWith(name + "=", StringComparison.Ordinal))
            .Select(e => e[(name.Length + 1)..]).LastOrDefault();
}

[CollectionDefinition(nameof(BuiltImagesCollection))]
public sealed class BuiltImagesCollection : ICollectionFixture<BuiltImages>;
