using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;

namespace Platform.Ledger.FaultHarness;

/// <summary>
/// One ledger replica as its own OS process: the service's built binary (<c>dotnet Platform.Ledger.dll</c>) with its
/// configuration in environment variables, as a container would run it. <see cref="Kill"/> is a real SIGKILL.
/// </summary>
public sealed class ReplicaProcess : IDisposable
{
    private readonly StringBuilder _output = new();
    // Replaced on restart, never disposed before the harness ends: the load's threads read IsRunning at any time,
    // and a disposed Process throws instead of answering.
    private volatile Process? _process;
    private readonly List<Process> _exited = [];

    public ReplicaProcess(string name, IPAddress address, int apiPort, int raftPort, string dataDirectory)
    {
        (Name, Address, ApiPort, RaftPort, DataDirectory) = (name, address, apiPort, raftPort, dataDirectory);
    }

    public string Name { get; }

    /// <summary>The loopback address it listens on (HTTP and Raft); changes when the replica is moved.</summary>
    public IPAddress Address { get; set; }

    public int ApiPort { get; }

    public int RaftPort { get; }

    public string DataDirectory { get; }

    public Uri Api => new(string.Create(CultureInfo.InvariantCulture, $"http://{Address}:{ApiPort}/"));

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>The last lines the process wrote, for a failure message.</summary>
    public string OutputTail(int lines = 40)
    {
        lock (_output)
        {
            return string.Join('\n', _output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).TakeLast(lines));
        }
    }

    /// <summary>The service's own build output (built with the harness, same configuration).</summary>
    public static string ServiceBinary()
    {
        var configuration = typeof(ReplicaProcess).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyConfigurationAttribute), false)
            .OfType<System.Reflection.AssemblyConfigurationAttribute>().FirstOrDefault()?.Configuration ?? "Release";
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "services", "Ledger", "Platform.Ledger", "bin", configuration, "net10.0", "Platform.Ledger.dll");
            if (File.Exists(candidate))
                return candidate;
        }
        throw new FileNotFoundException("Platform.Ledger.dll not found above " + AppContext.BaseDirectory + ": build the harness first (it builds the service).");
    }

    public void Start(IReadOnlyDictionary<string, string> environment)
    {
        if (IsRunning)
            throw new InvalidOperationException($"{Name} is already running.");
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = DataDirectory,
        };
        info.ArgumentList.Add(ServiceBinary());
        foreach (var (key, value) in environment)
            info.Environment[key] = value;
        info.Environment["Urls"] = Api.ToString().TrimEnd('/');
        info.Environment["Ledger__RaftBindAddress"] = Address.ToString();
        Directory.CreateDirectory(DataDirectory);
        if (_process is { } previous)
            _exited.Add(previous);
        var started = Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start.");
        started.OutputDataReceived += (_, e) => Append(e.Data);
        started.ErrorDataReceived += (_, e) => Append(e.Data);
        started.BeginOutputReadLine();
        started.BeginErrorReadLine();
        _process = started;
    }

    /// <summary>SIGKILL: the process dies at once, mid-request and mid-write; nothing is flushed or closed.</summary>
    public void Kill()
    {
        if (_process is { HasExited: false } p)
        {
            p.Kill(entireProcessTree: false);
            p.WaitForExit();
        }
    }

    /// <summary>Waits until <c>/health/ready</c> answers 200 (a leader is known and the replica has caught up).</summary>
    public async Task WaitReadyAsync(HttpClient http, TimeSpan timeout, string probe = "health/ready")
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (_process is { HasExited: true } p)
                throw new InvalidOperationException($"{Name} exited ({p.ExitCode}) before it was ready:\n{OutputTail()}");
            try
            {
                using var response = await http.GetAsync(new Uri(Api, probe));
                if (response.IsSuccessStatusCode)
                    return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
            }
            if (deadline.Elapsed > timeout)
                throw new TimeoutException($"{Name} was not ready within {timeout.TotalSeconds:F0} s:\n{OutputTail()}");
            await Task.Delay(100);
        }
    }

    public void Dispose()
    {
        Kill();
        _process?.Dispose();
        _exited.ForEach(p => p.Dispose());
    }

    private void Append(string? line)
    {
        if (line is null)
            return;
        lock (_output)
        {
            _output.AppendLine(line);
            if (_output.Length > 200_000)
                _output.Remove(0, 100_000);
        }
    }
}
