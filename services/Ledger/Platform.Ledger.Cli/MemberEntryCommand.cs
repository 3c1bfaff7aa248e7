using System.CommandLine;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Platform.Crypto;
using Platform.Ledger.Verification;

namespace Platform.Ledger.Cli;

/// <summary>
/// <c>ledger member-entry --name INSTITUTION --replica REPLICA [--endpoint HOST:PORT [--api-url URL]]... --ca CA.pem</c>:
/// an institution's member entry for the consortium file or <c>ledger governance propose --admit</c>, with each
/// replica's public checkpoint key read from the institution's key provider exactly as the replica reads it (the key
/// named after the replica, <c>Keys__…</c> settings; created there when the provider can and it does not exist yet,
/// as the replica's first start would). Only public material leaves: the JWK and the CA certificate.
/// Exit codes: 0 printed, 2 the command could not run (usage, unreadable CA, key provider unavailable, a problem the
/// consortium would refuse).
/// </summary>
public static class MemberEntryCommand
{
    internal const string Usage = """
        usage:
          ledger member-entry --name INSTITUTION --replica REPLICA [--endpoint HOST:PORT [--api-url URL]]...
                              --ca CA.pem

        Prints your institution's member entry (JSON) for the consortium file or `ledger governance propose --admit`.
        INSTITUTION is its name as the consortium will show it. Give --replica once per replica it runs; the
        --endpoint (Raft host:port, the name its TLS certificate carries) and --api-url after a --replica are where
        the others reach that replica. The checkpoint key of each replica is read from your key provider, set with
        the Keys__Provider, Keys__Pkcs11__… / Keys__Software__… / Keys__AzureKeyVault__… environment variables as
        for the replica (the key is named after the replica and created if the provider can and it is missing).
        CA.pem is the certificate of the CA that issues your replicas' Raft TLS certificates (never its key).
        Exit code: 0 printed, 2 the command could not run.
        """;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private static readonly Option<string> NameOption = new("--name") { HelpName = "INSTITUTION", Required = true };
    private static readonly Option<string> CaFile = new("--ca") { HelpName = "CA.pem", Required = true };
    private static readonly Option<string[]> Replicas = new("--replica") { HelpName = "REPLICA", Required = true, AllowMultipleArgumentsPerToken = false };
    private static readonly Option<string[]> EndPoints = new("--endpoint") { HelpName = "HOST:PORT", AllowMultipleArgumentsPerToken = false };
    private static readonly Option<string[]> ApiUrls = new("--api-url") { HelpName = "URL", AllowMultipleArgumentsPerToken = false };

    internal static Command Definition { get; } = Define();

    /// <summary>Runs <c>member-entry</c>; <paramref name="args"/> start with <c>member-entry</c>.</summary>
    /// <param name="keySettings">The key provider's settings (the <c>Keys</c> section); the environment's when null.</param>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, IConfiguration? keySettings = null) =>
        LedgerCommandLine.TryParse(args, [Definition], output, error, out var parsed, out var exit)
            ? await RunAsync(parsed, output, error, keySettings).ConfigureAwait(false)
            : exit;

    private static Command Define()
    {
        var command = new Command("member-entry", Usage) { NameOption, Replicas, EndPoints, ApiUrls, CaFile };
        command.SetAction((parsed, _) => RunAsync(parsed, parsed.InvocationConfiguration.Output, parsed.InvocationConfiguration.Error));
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parsed, TextWriter output, TextWriter error, IConfiguration? keySettings = null)
    {
        var name = parsed.GetRequiredValue(NameOption);
        var caFile = parsed.GetRequiredValue(CaFile);
        // An --endpoint and its --api-url belong to the --replica before them: the order on the command line is the pairing.
        var replicas = new List<(string Replica, string? EndPoint, Uri? ApiUrl)>();
        foreach (var (option, value) in LedgerCommandLine.InOrder(parsed, "--replica", "--endpoint", "--api-url"))
        {
            switch (option)
            {
                case "--replica":
                    replicas.Add((value, null, null));
                    break;
                case "--endpoint" when replicas.Count > 0 && replicas[^1].EndPoint is null:
                    replicas[^1] = replicas[^1] with { EndPoint = value };
                    break;
                case "--api-url" when replicas.Count > 0 && replicas[^1].EndPoint is not null && replicas[^1].ApiUrl is null:
                    if (!Uri.TryCreate(value, UriKind.Absolute, out var api))
                        return Fail(error, $"--api-url '{value}' is not an absolute address.");
                    replicas[^1] = replicas[^1] with { ApiUrl = api };
                    break;
                default:
                    return Fail(error, $"'{option} {value}' is out of place (an --endpoint or --api-url follows the --replica it is for).\n{Usage}");
            }
        }
        if (string.IsNullOrWhiteSpace(name))
            return Fail(error, "--name is empty.\n" + Usage);

        string caCertificate;
        try
        {
            using var authority = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(caFile).ConfigureAwait(false));
            caCertificate = authority.ExportCertificatePem();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            return Fail(error, $"Cannot read {caFile} as a PEM certificate: {e.Message}");
        }

        var keys = new List<ReplicaKey>();
        try
        {
            foreach (var (replica, _, _) in replicas)
            {
                var jwk = await InstitutionKeys.WithSigningKeyAsync(replica, keySettings, key => Task.FromResult(key.GetPublicJwk())).ConfigureAwait(false);
                keys.Add(new ReplicaKey(replica, jwk.Kid, jwk.Kty, jwk.Crv, jwk.X, jwk.Y));
            }
        }
        catch (Exception e) when (e is KeyProviderException or InvalidOperationException or ArgumentException)
        {
            return Fail(error, $"Cannot read the checkpoint key from the key provider: {e.Message}");
        }

        var endpoints = replicas.Where(r => r.EndPoint is not null).Select(r => new ReplicaAddress(r.Replica, r.EndPoint!, r.ApiUrl)).ToList();
        var member = new ConsortiumMember(name, [.. replicas.Select(r => r.Replica)], keys, caCertificate, endpoints.Count == 0 ? null : endpoints);
        // The same checks the consortium applies to a member, so what is printed is what a proposal can admit.
        if (new ConsortiumConfiguration("member-entry", ConsortiumConfiguration.MajorityOfMembers, [member]).Problem() is { } problem)
            return Fail(error, $"The entry would be refused: {problem}");
        output.WriteLine(JsonSerializer.Serialize(member, Json));
        return LedgerCli.Valid;
    }

    private static int Fail(TextWriter error, string message)
    {
        error.WriteLine(message);
        return LedgerCli.Unusable;
    }
}
