namespace Platform.Testing;

/// <summary>The repository's root folder (the one holding Platform.sln), found upwards from the test assembly.</summary>
public static class RepositoryRoot
{
    public static string Path { get; } = Find();

    /// <summary>A path inside the repository: <c>RepositoryRoot.Combine("docs", "walkthrough-api.md")</c>.</summary>
    public static string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    private static string Find()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(directory.FullName, "Platform.sln")))
            {
                return directory.FullName;
            }
        }
        throw new InvalidOperationException($"No repository root (Platform.sln) above {AppContext.BaseDirectory}.");
    }
}
