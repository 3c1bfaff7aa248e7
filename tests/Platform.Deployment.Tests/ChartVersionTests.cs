namespace Platform.Deployment.Tests;

/// <summary>
/// A packaged chart runs the images it was released with: the images' tag follows the chart's appVersion unless
/// values pin one, and the platform's version (Directory.Build.props, the images' tag and label) is that appVersion.
/// </summary>
public class ChartVersionTests
{
    [Fact]
    public void A_chart_packaged_with_another_app_version_runs_the_images_of_that_version()
    {
        var destination = Directory.CreateTempSubdirectory("chart-package-").FullName;
        try
        {
            var package = Helm.Run("package", Repository.ChartDirectory, "--version", "9.8.7", "--app-version", "9.8.7", "--destination", destination);
            Assert.True(package.ExitCode == 0, package.ToString());
            var archive = Assert.Single(Directory.GetFiles(destination, "*.tgz"));
            var template = Helm.Run("template", Helm.Release, archive, "--namespace", Helm.Namespace);
            Assert.True(template.ExitCode == 0, template.ToString());
            var images = Manifests.Parse(template.StandardOutput).ServiceWorkloads.Select(w => w.MainContainer.Image).ToArray();
            Assert.Equal(Platform.AppIds.Length, images.Length);
            Assert.All(images, i => Assert.EndsWith(":9.8.7", i, StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(destination, recursive: true);
        }
    }

    [Theory]
    [MemberData(nameof(ValuesFiles))]
    public void The_shipped_values_files_leave_the_tag_to_the_chart(string valuesFile)
    {
        var appVersion = AppVersion();
        Assert.All(Manifests.Of(valuesFile).ServiceWorkloads, w => Assert.EndsWith($":{appVersion}", w.MainContainer.Image, StringComparison.Ordinal));
    }

    [Fact]
    public void A_pinned_tag_still_wins()
    {
        var images = Manifests.Parse(Helm.Render("values.yaml", "image.tag=1.2.3", "ledger.image.tag=1.2.4")).ServiceWorkloads
            .ToDictionary(w => w.Component!, w => w.MainContainer.Image);
        Assert.EndsWith(":1.2.4", images["ledger"], StringComparison.Ordinal);
        Assert.EndsWith(":1.2.3", images["identity"], StringComparison.Ordinal);
    }

    [Fact]
    public void The_platform_version_is_the_charts_app_version()
    {
        var version = System.Xml.Linq.XDocument.Load(Repository.Path("Directory.Build.props")).Descendants("Version").Single().Value;
        Assert.Equal(AppVersion(), version);
    }

    public static TheoryData<string> ValuesFiles() => new(Helm.ValuesFiles);

    public static string AppVersion() =>
        System.Text.RegularExpressions.Regex.Match(Repository.Read("charts", "platform", "Chart.yaml"), "(?m)^appVersion: \"?([^\"\\s]+)\"?").Groups[1].Value;
}
