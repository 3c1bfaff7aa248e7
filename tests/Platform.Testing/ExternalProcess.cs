using System.Diagnostics;
using System.Text;

namespace Platform.Testing;

/// <summary>Runs a server binary for a fixture and keeps its output for the failure message.</summary>
public sealed class ExternalProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ExternalProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
    }

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

    public bool HasExited => _process.HasExited;

    /// <summary>The operating system's process id, for benchmarks that read the server's CPU time and memory.</summary>
    public int Id => _process.Id;

    public static ExternalProcess Start(string fileName, params string[] arguments)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
        var process = new ExternalProcess(Process.Start(info) ?? throw new InvalidOperationException($"{fileName} did not start."));
        process._process.BeginOutputReadLine();
        process._process.BeginErrorReadLine();
        return process;
    }

    /// <summary>Runs a command to completion and fails loudly with its output if it does not exit 0.</summary>
    public static async Task<string> RunAsync(string fileName, params string[] arguments)
    {
        await using var process = Start(fileName, arguments);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process._process.WaitForExitAsync(timeout.Token);
        process._process.WaitForExit(); // flush the asynchronous output readers
        if (process._process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{fileName} {string.Join(' ', arguments)} exited {process._process.ExitCode}:\n{process.Output}");
        }
        return process.Output;
    }

    public async Task StopAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
