using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text;
using Platform.Testing;

namespace Platform.Journey.Tests.CrossService;

/// <summary>
/// A service as its own OS process, as its container runs it: the service's built binary
/// (<c>dotnet Platform.Ledger.dll</c>) with its settings as environment variables (<c>Section__Key</c>). Unlike an
/// in-process WebApplication it can be killed for real: <see cref="Kill"/> is SIGKILL, so nothing is flushed, disposed
/// or stopped gracefully (the same approach as tests/Platform.Ledger.FaultHarness/ReplicaProcess.cs).
/// </summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ServiceProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public bool IsRunning => !_process.HasExited;

    /// <summary>The service's own build output next to its project (built with this test project, same configuration).</summary>
    public static string Binary(params string[] projectPath)
    {
        var configuration = typeof(ServiceProcess).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";
        var project = RepositoryRoot.Combine(projectPath);
        var path = Path.Combine(project, "bin", configuration, "net10.0", Path.GetFileName(project) + ".dll");
        Assert.True(File.Exists(path), $"{path} is missing: build the test project first (it builds the service).");
        return path;
    }

    /// <summary>Starts the binary with the settings (null values are left out) and waits until <c>/health/live</c> answers.</summary>
    public static async Task<ServiceProcess> StartAsync(string binary, IReadOnlyDictionary<string, string?> settings, string workingDirectory,
        Uri address, TimeSpan liveWithin)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        info.ArgumentList.Add(binary);
        foreach (var (key, value) in settings)
        {
            if (value is not null)
            {
                info.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
            }
        }
        var service = new ServiceProcess(Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start."));
        try
        {
            await service.WaitLiveAsync(address, liveWithin);
            return service;
        }
        catch
        {
            await service.DisposeAsync(); // never leave a process behind a failed start
            throw;
        }
    }

    /// <summary>SIGKILL: the process dies at once, mid-request and mid-write, as in an OOM kill or a node loss.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: false);
        }
        await _process.WaitForExitAsync();
    }

    /// <summary>SIGTERM (what Kubernetes sends first), then SIGKILL if it has not exited within the timeout.</summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        if (_process.HasExited)
        {
            return;
        }
        using (var term = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await term.WaitForExitAsync();
        }
        using var wait = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(wait.Token);
        }
        catch (OperationCanceledException)
        {
            await KillAsync();
        }
    }

    /// <summary>The last lines the process wrote, for a failure message.</summary>
    public string OutputTail(int lines = 60)
    {
        lock (_output)
        {
            return string.Join('\n', _output.ToString().Split('\n').TakeLast(lines));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(TimeSpan.FromSeconds(10));
        _process.Dispose();
    }

    private async Task WaitLiveAsync(Uri address, TimeSpan timeout)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            Assert.False(_process.HasExited, $"the service exited ({(_process.HasExited ? _process.ExitCode : 0)}) before it was live:\n{OutputTail()}");
            try
            {
                using var response = await http.GetAsync(new Uri(address, "health/live"));
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
            }
            Assert.True(deadline.Elapsed < timeout, $"the service was not live within {timeout.TotalSeconds:F0} s:\n{OutputTail()}");
            await Task.Delay(100);
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_output)
        {
            _output.Append(line).Append('\n');
            if (_output.Length > 200_000)
            {
                _output.Remove(0, 100_000);
            }
        }
    }
}
