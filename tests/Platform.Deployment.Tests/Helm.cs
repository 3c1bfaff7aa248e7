using System.Diagnostics;

namespace Platform.Deployment.Tests;

/// <summary>The Helm binary: $HELM_PATH, else tests/.tools/helm/helm (tests/tools/install-helm.sh puts it there).</summary>
public static class Helm
{
    private static readonly Lazy<string> Binary = new(Locate);
    private static readonly string Home = CreateHome();

    public const string Release = "platform";
    public const string Namespace = "platform";

    /// <summary>The values files the chart ships and the tests render: default, production and minimal.</summary>
    public static readonly string[] ValuesFiles = ["values.yaml", "values-production.yaml", "values-minimal.yaml"];

    public static string Path => Binary.Value;

    public static HelmResult Run(params string[] arguments)
    {
        var start = new ProcessStartInfo(Path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Repository.Root,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        // Keep Helm's caches and settings out of the user's home; no repositories or plugins are involved.
        start.Environment["HELM_CACHE_HOME"] = System.IO.Path.Combine(Home, "cache");
        start.Environment["HELM_CONFIG_HOME"] = System.IO.Path.Combine(Home, "config");
        start.Environment["HELM_DATA_HOME"] = System.IO.Path.Combine(Home, "data");
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {Path}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"helm {string.Join(' ', arguments)} did not finish in 2 minutes.");
        }
        return new HelmResult(process.ExitCode, stdout.Result, stderr.Result, string.Join(' ', arguments));
    }

    /// <summary><c>helm template</c> of the platform chart with one of its values files and extra --set flags.</summary>
    public static HelmResult Template(string valuesFile, params string[] sets) =>
        Run([
            "template", Release, Repository.ChartDirectory, "--namespace", Namespace,
            "--values", System.IO.Path.Combine(Repository.ChartDirectory, valuesFile),
            .. sets.SelectMany(s => new[] { "--set", s }),
        ]);

    /// <summary>Renders and fails the test with Helm's own message when it does not render.</summary>
    public static string Render(string valuesFile, params string[] sets)
    {
        var result = Template(valuesFile, sets);
        Assert.True(result.ExitCode == 0, $"helm {result.Command} failed:\n{result.StandardError}");
        return result.StandardOutput;
    }

    private static string CreateHome()
    {
        var home = Directory.CreateTempSubdirectory("helm-home-").FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Directory.Delete(home, recursive: true);
            }
            catch (IOException)
            {
                // Best effort: a temporary folder.
            }
        };
        return home;
    }

    private static string Locate()
    {
        var configured = Environment.GetEnvironmentVariable("HELM_PATH");
        var candidate = !string.IsNullOrWhiteSpace(configured) ? configured : Repository.Path("tests", ".tools", "helm", "helm");
        if (!File.Exists(candidate))
        {
            // Fail, never skip: the chart checks are part of the suite.
            throw new FileNotFoundException(
                $"Helm not found at {candidate}. Run `bash tests/tools/install-helm.sh` (tests/run.sh does) or set HELM_PATH.");
        }
        return candidate;
    }
}

public sealed record HelmResult(int ExitCode, string StandardOutput, string StandardError, string Command)
{
    public override string ToString() => $"helm {Command} -> {ExitCode}\n{StandardError}";
}
