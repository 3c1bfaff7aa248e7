using Microsoft.Extensions.Configuration;

namespace Platform.DevHost;

/// <summary>
/// Dev host settings, from the command line (<c>--data ./data --identity-port 5101</c>) or environment
/// (<c>DEVHOST_DATA</c>, <c>DEVHOST_IDENTITY_PORT</c>, …).
/// </summary>
public sealed record DevHostOptions(string DataDirectory, int IdentityPort, int ConsentPort, int RecordVaultPort, int LedgerPort, string BindAddress)
{
    public static DevHostOptions From(string[] args)
    {
        var config = new ConfigurationBuilder()
            .AddEnvironmentVariables("DEVHOST_")
            .AddCommandLine(args, new Dictionary<string, string>
            {
                ["--data"] = "DATA",
                ["--identity-port"] = "IDENTITY_PORT",
                ["--consent-port"] = "CONSENT_PORT",
                ["--record-vault-port"] = "RECORD_VAULT_PORT",
                ["--ledger-port"] = "LEDGER_PORT",
                ["--bind"] = "BIND",
            })
            .Build();
        return new DevHostOptions(
            Path.GetFullPath(config["DATA"] ?? "data"),
            Port(config, "IDENTITY_PORT", 5101),
            Port(config, "CONSENT_PORT", 5102),
            Port(config, "RECORD_VAULT_PORT", 5103),
            Port(config, "LEDGER_PORT", 5104),
            config["BIND"] ?? "localhost");
    }

    private static int Port(IConfiguration config, string key, int fallback) =>
        config[key] is { } text
            ? int.TryParse(text, out var port) && port is >= 0 and <= 65535
                ? port
                : throw new ArgumentException($"{key.ToLowerInvariant().Replace('_', '-')} must be a port number (0-65535), not '{text}'.")
            : fallback;
}
