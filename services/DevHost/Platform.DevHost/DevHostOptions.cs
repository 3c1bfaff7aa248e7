using Microsoft.Extensions.Configuration;

namespace Platform.DevHost;

/// <summary>
/// Dev host settings, from the command line (<c>--data ./data --identity-port 5101</c>) or environment
/// (<c>DEVHOST_DATA</c>, <c>DEVHOST_IDENTITY_PORT</c>, …). <c>--traces</c> (or <c>DEVHOST_TRACES=true</c>) prints every
/// span of every embedded service to the console and adds the trace id to log lines (docs/observability.md).
/// <c>PortalPort</c> is where the clinician portal listens (<c>--portal-port</c>, default 5173, the <c>clinician-portal</c>
/// client's registered origin); null (as tests construct it) starts no portal.
/// </summary>
public sealed record DevHostOptions(string DataDirectory, int IdentityPort, int ConsentPort, int RecordVaultPort, int LedgerPort, string BindAddress,
    int LedgerReplicas = 3, int LedgerRaftPort = 5204, bool Traces = false, int? PortalPort = null)
{
    public static DevHostOptions From(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        // A bare switch: the command-line provider would take the next argument as its value.
        var tracesSwitch = args.Contains("--traces", StringComparer.Ordinal);
        var config = new ConfigurationBuilder()
            .AddEnvironmentVariables("DEVHOST_")
            .AddCommandLine(args.Where(a => a != "--traces").ToArray(), new Dictionary<string, string>
            {
                ["--data"] = "DATA",
                ["--identity-port"] = "IDENTITY_PORT",
                ["--consent-port"] = "CONSENT_PORT",
                ["--record-vault-port"] = "RECORD_VAULT_PORT",
                ["--ledger-port"] = "LEDGER_PORT",
                ["--bind"] = "BIND",
                ["--ledger-replicas"] = "LEDGER_REPLICAS",
                ["--ledger-raft-port"] = "LEDGER_RAFT_PORT",
                ["--traces"] = "TRACES",
                ["--portal-port"] = "PORTAL_PORT",
            })
            .Build();
        return new DevHostOptions(
            Path.GetFullPath(config["DATA"] ?? "data"),
            Port(config, "IDENTITY_PORT", 5101),
            Port(config, "CONSENT_PORT", 5102),
            Port(config, "RECORD_VAULT_PORT", 5103),
            Port(config, "LEDGER_PORT", 5104),
            config["BIND"] ?? "localhost",
            Replicas(config),
            Port(config, "LEDGER_RAFT_PORT", 5204),
            tracesSwitch || Flag(config, "TRACES"),
            Port(config, "PORTAL_PORT", 5173));
    }

    private static bool Flag(IConfiguration config, string key) =>
        config[key] is { } text
            ? bool.TryParse(text, out var on)
                ? on
                : throw new ArgumentException($"{key.ToLowerInvariant()} must be true or false, not '{text}'.")
            : false;

    private static int Replicas(IConfiguration config) =>
        config["LEDGER_REPLICAS"] is { } text
            ? int.TryParse(text, out var count) && count is 1 or 3 or 5
                ? count
                : throw new ArgumentException($"ledger-replicas must be 1, 3 or 5 (an odd number, so a majority exists), not '{text}'.")
            : 3;

    private static int Port(IConfiguration config, string key, int fallback) =>
        config[key] is { } text
            ? int.TryParse(text, out var port) && port is >= 0 and <= 65535
                ? port
                : throw new ArgumentException($"{key.ToLowerInvariant().Replace('_', '-')} must be a port number (0-65535), not '{text}'.")
            : fallback;
}
