namespace Platform.Wallet.Cli;

/// <summary>An expected failure: its message is printed as one line, its code is the exit code.</summary>
internal sealed class CliException(int exitCode, string message) : Exception(message)
{
    public int ExitCode { get; } = exitCode;

    public static CliException Usage(string message) => new(WalletCli.ExitUsage, message);

    public static CliException Failure(string message) => new(WalletCli.ExitFailure, message);
}
