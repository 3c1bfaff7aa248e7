using System.CommandLine;
using System.CommandLine.Parsing;

namespace Platform.DevHost;

/// <summary>
/// Dev host settings, from the command line (<c>--data ./data --identity-port 5101</c>) or environment
/// (<c>DEVHOST_DATA</c>, <c>DEVHOST_IDENTITY_PORT</c>, …); the command line wins. <c>--traces</c> (or
/// <c>DEVHOST_TRACES=true</c>) prints every span of every embedded service to the console and adds the trace id to log
/// lines (docs/observability.md). <c>PortalPort</c> is where the clinician portal listens (<c>--portal-port</c>, default
/// 5173, the <c>clinician-portal</c> client's registered origin); null (as tests construct it) starts no portal.
/// Parsed with System.CommandLine (<see cref="Command"/>), which also writes <c>--help</c>.
/// </summary>
public sealed record DevHostOptions(string DataDirectory, int IdentityPort, int ConsentPort, int RecordVaultPort, int LedgerPort, string BindAddress,
    int LedgerReplicas = 3, int LedgerRaftPort = 5204, bool Traces = false, int? PortalPort = null)
{
    private static readonly Option<string> Data = Text("--data", "DATA", "data", "Folder for the SQLite files, keys and Data Protection key rings.");
    private static readonly Option<int> IdentityPortOption = Port("--identity-port", "IDENTITY_PORT", 5101, "Port of the identity service.");
    private static readonly Option<int> ConsentPortOption = Port("--consent-port", "CONSENT_PORT", 5102, "Port of the consent service.");
    private static readonly Option<int> RecordVaultPortOption = Port("--record-vault-port", "RECORD_VAULT_PORT", 5103, "Port of the record vault.");
    private static readonly Option<int> LedgerPortOption = Port("--ledger-port", "LEDGER_PORT", 5104, "Port of the first ledger replica; the others take the ports after it.");
    private static readonly Option<string> Bind = Text("--bind", "BIND", "localhost", "Address every service listens on.");
    private static readonly Option<int> Replicas = ReplicaCount();
    private static readonly Option<int> RaftPort = Port("--ledger-raft-port", "LEDGER_RAFT_PORT", 5204, "Raft port of the first ledger replica; the others take the ports after it.");
    private static readonly Option<bool> TracesOption = TracesSwitch();
    private static readonly Option<int> PortalPortOption = Port("--portal-port", "PORTAL_PORT", 5173, "Port of the clinician portal (the clinician-portal client's registered origin).");

    /// <summary>The dev host's command line: every option, its default, its environment variable, and <c>--help</c>.</summary>
    public static RootCommand Command { get; } = new("KYC identity and consent platform: every service in one process, no servers needed.")
    {
        Data, IdentityPortOption, ConsentPortOption, RecordVaultPortOption, LedgerPortOption, Bind, Replicas, RaftPort, TracesOption, PortalPortOption,
    };

    /// <exception cref="ArgumentException">A value that is not valid, or an unknown option; the message names the option.</exception>
    public static DevHostOptions From(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        // A bool option takes a joined value only when it is a boolean; anything else would be reported as an
        // unrecognized argument without naming --traces.
        if (args.FirstOrDefault(a => a.StartsWith("--traces=", StringComparison.Ordinal) || a.StartsWith("--traces:", StringComparison.Ordinal)) is { } joined
            && !bool.TryParse(joined["--traces=".Length..], out _))
        {
            throw new ArgumentException($"traces must be true or false, not '{joined["--traces=".Length..]}'.");
        }
        var parsed = Command.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", parsed.Errors.Select(e => e.Message)));
        }
        return new DevHostOptions(
            Path.GetFullPath(parsed.GetValue(Data)!),
            parsed.GetValue(IdentityPortOption),
            parsed.GetValue(ConsentPortOption),
            parsed.GetValue(RecordVaultPortOption),
            parsed.GetValue(LedgerPortOption),
            parsed.GetValue(Bind)!,
            parsed.GetValue(Replicas),
            parsed.GetValue(RaftPort),
            parsed.GetValue(TracesOption),
            parsed.GetValue(PortalPortOption));
    }

    /// <summary>True when the arguments ask for help: the caller prints <see cref="Command"/>'s help instead of starting.</summary>
    public static bool AsksForHelp(string[] args) => args.Any(a => a is "--help" or "-h" or "-?");

    private static string? Environment(string key) => System.Environment.GetEnvironmentVariable("DEVHOST_" + key);

    private static Option<string> Text(string name, string key, string fallback, string description) => new(name)
    {
        Description = $"{description} Environment: DEVHOST_{key}.",
        DefaultValueFactory = _ => Environment(key) ?? fallback,
    };

    private static Option<int> Port(string name, string key, int fallback, string description) => new(name)
    {
        Description = $"{description} 0: any free port. Environment: DEVHOST_{key}.",
        CustomParser = result => ParsePort(name, result.Tokens.Count > 0 ? result.Tokens[0].Value : Environment(key), fallback, result),
        DefaultValueFactory = result => ParsePort(name, Environment(key), fallback, result),
    };

    private static int ParsePort(string name, string? text, int fallback, ArgumentResult result)
    {
        if (text is null)
        {
            return fallback;
        }
        if (int.TryParse(text, out var port) && port is >= 0 and <= 65535)
        {
            return port;
        }
        result.AddError($"{name[2..]} must be a port number (0-65535), not '{text}'.");
        return fallback;
    }

    private static Option<int> ReplicaCount()
    {
        const string Name = "--ledger-replicas";
        int Parse(string? text, ArgumentResult result)
        {
            if (text is null)
            {
                return 3;
            }
            if (int.TryParse(text, out var count) && count is 1 or 3 or 5)
            {
                return count;
            }
            result.AddError($"ledger-replicas must be 1, 3 or 5 (an odd number, so a majority exists), not '{text}'.");
            return 3;
        }
        return new Option<int>(Name)
        {
            Description = "Ledger replicas: 1, 3 or 5 (an odd number, so a majority exists). Environment: DEVHOST_LEDGER_REPLICAS.",
            CustomParser = result => Parse(result.Tokens.Count > 0 ? result.Tokens[0].Value : Environment("LEDGER_REPLICAS"), result),
            DefaultValueFactory = result => Parse(Environment("LEDGER_REPLICAS"), result),
        };
    }

    private static Option<bool> TracesSwitch()
    {
        static bool FromEnvironment(ArgumentResult result) => Environment("TRACES") is { } text
            ? bool.TryParse(text, out var on) ? on : Refuse(result, text)
            : false;
        static bool Refuse(ArgumentResult result, string text)
        {
            result.AddError($"traces must be true or false, not '{text}'.");
            return false;
        }
        return new Option<bool>("--traces")
        {
            Description = "Print every span of every embedded service and add the trace id to log lines. Environment: DEVHOST_TRACES=true.",
            DefaultValueFactory = FromEnvironment,
        };
    }
}
