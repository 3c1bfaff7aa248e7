namespace Platform.Testing;

/// <summary>
/// Finds a server binary. A missing one is a test failure with the install command, never a skip:
/// <c>tests/run.sh</c> installs them on Debian.
/// </summary>
public static class RequiredTool
{
    public static string Find(string description, string debianPackage, params string[] candidates)
    {
        foreach (var candidate in candidates)
        {
            if (candidate.Contains('*', StringComparison.Ordinal))
            {
                var directory = Path.GetDirectoryName(candidate)!;
                var match = ExpandGlob(directory).Select(d => Path.Combine(d, Path.GetFileName(candidate))).Where(File.Exists)
                    .OrderByDescending(p => p, StringComparer.Ordinal).FirstOrDefault();
                if (match is not null)
                {
                    return match;
                }
            }
            else if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        throw new InvalidOperationException(
            $"{description} is required by these tests and was not found (looked for {string.Join(", ", candidates)}). " +
            $"Run tests/run.sh, which installs it, or: apt-get install {debianPackage}");
    }

    // Expands one '*' segment such as /usr/lib/postgresql/*/bin.
    private static IEnumerable<string> ExpandGlob(string pattern)
    {
        var star = pattern.IndexOf('*', StringComparison.Ordinal);
        if (star < 0)
        {
            return Directory.Exists(pattern) ? [pattern] : [];
        }
        var parent = pattern[..pattern.LastIndexOf('/', star)];
        var rest = pattern[(pattern.IndexOf('/', star) is var slash && slash > 0 ? slash : pattern.Length)..];
        return Directory.Exists(parent)
            ? Directory.GetDirectories(parent).Select(d => d + rest).Where(Directory.Exists)
            : [];
    }
}
