using Platform.Testing;

namespace Platform.Deployment.Tests;

/// <summary>Paths in the repository, found from the test assembly's location.</summary>
public static class Repository
{
    public static string Root => RepositoryRoot.Path;

    public static string Path(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);

    public static string Read(params string[] parts) => File.ReadAllText(Path(parts));

    public static string ChartDirectory => Path("charts", "platform");

    /// <summary>Every chart under charts/ (a folder with a Chart.yaml), subcharts included.</summary>
    public static IReadOnlyList<string> Charts =>
        Directory.EnumerateFiles(Path("charts"), "Chart.yaml", SearchOption.AllDirectories)
            .Select(System.IO.Path.GetDirectoryName)
            .OfType<string>()
            .Order(StringComparer.Ordinal)
            .ToArray();
}
