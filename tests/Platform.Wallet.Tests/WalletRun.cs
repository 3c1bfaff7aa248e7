using Platform.Wallet.Cli;

namespace Platform.Wallet.Tests;

/// <summary>One in-process run of the CLI: exit code and what it wrote to stdout and stderr.</summary>
public sealed record WalletRun(int ExitCode, string Stdout, string Stderr)
{
    public static async Task<WalletRun> RunAsync(HttpClient? http, params string[] args) => await RunWithInputAsync(http, null, args);

    public static async Task<WalletRun> RunWithInputAsync(HttpClient? http, string? stdin, params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        using var input = new StringReader(stdin ?? "");
        var code = await WalletCli.RunAsync(args, stdout, stderr, http, input);
        return new WalletRun(code, stdout.ToString(), stderr.ToString());
    }

    public override string ToString() => $"exit {ExitCode}\nstdout: {Stdout}\nstderr: {Stderr}";
}

/// <summary>A temporary directory for key, credential and presentation files.</summary>
public sealed class TempFolder : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("wallet-test-").FullName;

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
