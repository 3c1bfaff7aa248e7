using System.Diagnostics;
using System.Text;

namespace Platform.Journey.Tests.DevHost;

/// <summary>
/// Runs a bash script as a reader's terminal would: in a folder, with extra environment, stdout and stderr together,
/// stopped (with its children) when it outlives its timeout.
/// </summary>
public static class BashScript
{
    public static async Task<(int ExitCode, string Output)> RunAsync(string scriptPath, string workingDirectory,
        IReadOnlyDictionary<string, string> environment, TimeSpan timeout)
    {
        var info = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        info.ArgumentList.Add(scriptPath);
        // The test host's MSBuild variables would steer a `dotnet build` the script runs; a reader's shell has none.
        foreach (var name in info.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            info.Environment.Remove(name);
        }
        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }
        var text = new StringBuilder();
        using var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (text) { text.Append(e.Data).Append('\n'); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (text) { text.Append(e.Data).Append('\n'); } } };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
            process.WaitForExit();
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            lock (text)
            {
                text.Append($"({Path.GetFileName(scriptPath)} did not finish within {timeout.TotalMinutes} minutes and was stopped)\n");
            }
            return (-1, text.ToString());
        }
        lock (text)
        {
            return (process.ExitCode, text.ToString());
        }
    }
}
