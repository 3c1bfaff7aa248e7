using System.Diagnostics;
using System.Globalization;
using Platform.Testing;

namespace Platform.Benchmarks;

/// <summary>
/// The identity service as the token benchmarks start it, but in a child process of its own (this program in the
/// <c>identity-server</c> mode), so that a row against it charges the server's CPU, working set and allocations to the
/// server alone, as the peer's rows do, and not the load driver's. The child is told its settings as
/// <c>key=value</c> arguments, answers <c>allocated</c> on its standard input with the bytes it has allocated so far,
/// and stops when its standard input closes.
/// </summary>
internal sealed class OutOfProcessIdentity : IAsyncDisposable
{
    public const string Mode = "identity-server";

    private readonly Process _process;
    private readonly string _dataDirectory;
    private readonly SemaphoreSlim _ask = new(1, 1);

    private OutOfProcessIdentity(Process process, string dataDirectory, Uri address)
    {
        _process = process;
        _dataDirectory = dataDirectory;
        Address = address;
    }

    public Uri Address { get; }
    public Process Process => _process;

    /// <summary>Which garbage collector the child runs: <c>server</c> or <c>workstation</c>, as it reported.</summary>
    public string GarbageCollector { get; private set; } = "";

    public static async Task<OutOfProcessIdentity> StartAsync(IReadOnlyDictionary<string, string?> overrides)
    {
        var port = FreePort.Next();
        var dataDirectory = Directory.CreateTempSubdirectory("platform-bench-identity-").FullName;
        var settings = new Dictionary<string, string?>(overrides)
        {
            ["Urls"] = $"http://127.0.0.1:{port}",
            ["Data:Directory"] = dataDirectory,
            ["Keys:Software:KeyDirectory"] = Path.Combine(dataDirectory, "keys"),
        };
        // The same program in its server mode: through dotnet when this runs as a dll, else its own executable.
        var self = Environment.ProcessPath ?? throw new InvalidOperationException("No process path.");
        var info = new ProcessStartInfo(self) { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            info.ArgumentList.Add(typeof(OutOfProcessIdentity).Assembly.Location);
        }
        info.ArgumentList.Add(Mode);
        foreach (var (key, value) in settings)
        {
            info.ArgumentList.Add($"{key}={value}");
        }
        // The deployed service (Microsoft.NET.Sdk.Web) runs with the server garbage collector: its runtimeconfig sets
        // System.GC.Server, which this console program's does not. The child runs like the service unless the caller's
        // environment chooses (DOTNET_gcServer=0 measures the workstation collector).
        if (Environment.GetEnvironmentVariable("DOTNET_gcServer") is null)
        {
            info.Environment["DOTNET_gcServer"] = "1";
        }
        var process = Process.Start(info) ?? throw new InvalidOperationException("The identity server process did not start.");
        var server = new OutOfProcessIdentity(process, dataDirectory, new Uri($"http://127.0.0.1:{port}/"));
        server.GarbageCollector = (await server.ReadAnswerAsync("ready ").WaitAsync(TimeSpan.FromMinutes(2))).Trim();
        return server;
    }

    /// <summary>The bytes the server process has allocated since it started (<c>GC.GetTotalAllocatedBytes(precise: true)</c>).</summary>
    public async Task<long> AllocatedBytesAsync()
    {
        await _ask.WaitAsync();
        try
        {
            await _process.StandardInput.WriteLineAsync("allocated");
            await _process.StandardInput.FlushAsync();
            return long.Parse(await ReadAnswerAsync("allocated "), CultureInfo.InvariantCulture);
        }
        finally
        {
            _ask.Release();
        }
    }

    /// <summary>The rest of the next line that starts with the prefix; the service's own console output (errors) is skipped.</summary>
    private async Task<string> ReadAnswerAsync(string prefix)
    {
        while (true)
        {
            var line = await _process.StandardOutput.ReadLineAsync() ?? throw new InvalidOperationException("The identity server process ended.");
            if (line.StartsWith(prefix, StringComparison.Ordinal))
            {
                return line[prefix.Length..];
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _process.StandardInput.Close();
        if (!_process.WaitForExit(TimeSpan.FromSeconds(30)))
        {
            _process.Kill(entireProcessTree: true);
        }
        await _process.WaitForExitAsync();
        _process.Dispose();
        _ask.Dispose();
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // SQLite may still hold a handle for a moment; the OS cleans temp later.
        }
    }

    /// <summary>The child's side: the identity service with the given settings until standard input closes.</summary>
    public static async Task ServeAsync(string[] arguments)
    {
        var settings = arguments.Select(a => a.Split('=', 2)).ToDictionary(p => p[0], p => (string?)p[1]);
        await using var identity = await OidcTokenBenchmark.StartIdentityAsync(settings);
        Console.WriteLine("ready " + (System.Runtime.GCSettings.IsServerGC ? "server" : "workstation"));
        while (await Console.In.ReadLineAsync() is { } line)
        {
            if (line == "allocated")
            {
                // Precise: the server collector hands out larger allocation contexts, which the quick count rounds up
                // to; called twice per row, its cost does not matter.
                Console.WriteLine("allocated " + GC.GetTotalAllocatedBytes(precise: true).ToString(CultureInfo.InvariantCulture));
            }
        }
    }
}
