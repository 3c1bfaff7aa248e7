using System.Diagnostics;
using System.Net;
using System.Reflection;
using System.Text;
using Platform.Testing;

namespace Platform.Journey.Tests.DevHost;

/// <summary>
/// The dev host started as a user starts it — the built <c>Platform.DevHost.dll</c> with its documented options —
/// as a child process on free ports, with a data folder of its own. Its output is kept for failure messages;
/// <see cref="StopAsync"/> sends SIGTERM (what Ctrl+C or <c>kill</c> does) and waits for a clean exit.
/// </summary>
public sealed class DevHostProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private bool _disposed;

    private DevHostProcess(Process process, string dataDirectory, int firstPort)
    {
        _process = process;
        DataDirectory = dataDirectory;
        IdentityPort = firstPort;
        ConsentPort = firstPort + 1;
        RecordVaultPort = firstPort + 2;
        LedgerPort = firstPort + 3;
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
    }

    public string DataDirectory { get; }

    public int IdentityPort { get; }

    public int ConsentPort { get; }

    public int RecordVaultPort { get; }

    /// <summary>The first ledger replica; the other two answer on the next two ports.</summary>
    public int LedgerPort { get; }

    public int? ExitCode => _process.HasExited ? _process.ExitCode : null;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>The last lines of the dev host's output, for a failure message.</summary>
    public string OutputTail(int lines = 80) =>
        string.Join('\n', Output.Split('\n').TakeLast(lines));

    /// <summary>The dev host's own build output, next to its project (built with this test project, same configuration).</summary>
    public static string EntryAssembly()
    {
        var configuration = typeof(DevHostProcess).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";
        var path = RepositoryRoot.Combine("services", "DevHost", "Platform.DevHost", "bin", configuration, "net10.0", "Platform.DevHost.dll");
        Assert.True(File.Exists(path), $"{path} is missing: build the test project first (it builds the dev host).");
        return path;
    }

    /// <param name="dataDirectory">The data folder (reuse one to restart on the same data).</param>
    /// <param name="readyWithin">How long every service may take to answer /health/ready.</param>
    /// <param name="firstPort">The first of nine ports; pass a killed host's <see cref="IdentityPort"/> to restart it where it was.</param>
    /// <param name="environment">Extra environment variables (configuration keys as <c>Section__Key</c>).</param>
    public static async Task<DevHostProcess> StartAsync(string dataDirectory, TimeSpan readyWithin, int? firstPort = null,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        // Nine consecutive free ports: identity, consent, record-vault, three ledger APIs, three Raft ports.
        var first = firstPort ?? FreePort.Consecutive(9);
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepositoryRoot.Path,
        };
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }
        foreach (var argument in new[]
                 {
                     EntryAssembly(), "--data", dataDirectory,
                     "--identity-port", $"{first}", "--consent-port", $"{first + 1}", "--record-vault-port", $"{first + 2}",
                     "--ledger-port", $"{first + 3}", "--ledger-raft-port", $"{first + 6}",
                     // The clinician portal on a port of the system's choosing: 5173 may be taken by another host.
                     "--portal-port", "0",
                 })
        {
            info.ArgumentList.Add(argument);
        }
        var host = new DevHostProcess(Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start."), dataDirectory, first);
        host._process.BeginOutputReadLine();
        host._process.BeginErrorReadLine();
        try
        {
            await host.WaitUntilReadyAsync(readyWithin);
            return host;
        }
        catch
        {
            await host.DisposeAsync(); // never leave a dev host running behind a failed start
            throw;
        }
    }

    /// <summary>SIGTERM, then a clean exit within the timeout; returns the exit code (null: it had to be killed).</summary>
    public async Task<int?> StopAsync(TimeSpan timeout)
    {
        if (_process.HasExited)
        {
            return _process.ExitCode;
        }
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }
        using var wait = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(wait.Token);
            _process.WaitForExit(); // flush the output readers
            return _process.ExitCode;
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
            return null;
        }
    }

    /// <summary>SIGKILL: the process dies at once, mid-request and mid-write, as in a power cut or an OOM kill.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
        }
        await _process.WaitForExitAsync();
    }

    /// <summary>Idempotent: a test's finally may dispose a host that a failed restart already replaced and disposed.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        if (!_process.HasExited)
        {
            await StopAsync(TimeSpan.FromSeconds(20));
        }
        _process.Dispose();
    }

    private async Task WaitUntilReadyAsync(TimeSpan timeout)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var ports = new[] { IdentityPort, ConsentPort, RecordVaultPort, LedgerPort, LedgerPort + 1, LedgerPort + 2 };
        var deadline = DateTime.UtcNow + timeout;
        foreach (var port in ports)
        {
            while (true)
            {
                if (_process.HasExited)
                {
                    Assert.Fail($"The dev host exited ({_process.ExitCode}) before it was ready:\n{OutputTail()}");
                }
                try
                {
                    using var response = await http.GetAsync(new Uri($"http://localhost:{port}/health/ready"));
                    if (response.IsSuccessStatusCode)
                    {
                        break;
                    }
                }
                catch (HttpRequestException)
                {
                }
                catch (TaskCanceledException)
                {
                }
                Assert.True(DateTime.UtcNow < deadline, $"The dev host's port {port} was not ready within {timeout.TotalSeconds:F0} s:\n{OutputTail()}");
                await Task.Delay(250);
            }
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
        }
    }
}
