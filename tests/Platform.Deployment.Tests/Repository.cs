namespace Platform.Deployment.Tests;

/// <summary>Paths in the repository, found from the test assembly's location.</summary>
public static class Repository
{
    public static string Root { get; } = FindRoot();

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

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(directory.FullName, "global.json"))
                && Directory.Exists(System.IO.Path.Combine(directory.FullName, "charts")))
            {
                return directory.FullName;
            }
        }
        throw new InvalidOperationException($"No repository root (global.json and charts/) above {AppContext.BaseDirectory}.");
    }
}
