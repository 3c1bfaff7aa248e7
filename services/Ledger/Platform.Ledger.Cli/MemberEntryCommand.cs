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

    /// <param name="keySettings">The key provider's settings (the <c>Keys</c> section); the environment's when null.</param>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, IConfiguration? keySettings = null)
    {
        string? name = null, caFile = null;
        var replicas = new List<(string Replica, string? EndPoint, Uri? ApiUrl)>();
        for (var i = 1; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            switch (args[i])
            {
                case "--name" when value is not null:
                    name = value;
                    break;
                case "--ca" when value is not null:
                    caFile = value;
                    break;
                case "--replica" when value is not null:
                    replicas.Add((value, null, null));
                    break;
                case "--endpoint" when value is not null && replicas.Count > 0 && replicas[^1].EndPoint is null:
                    replicas[^1] = replicas[^1] with { EndPoint = value };
                    break;
                case "--api-url" when value is not null && replicas.Count > 0 && replicas[^1].EndPoint is not null && replicas[^1].ApiUrl is null:
                    if (!Uri.TryCreate(value, UriKind.Absolute, out var api))
                        return Fail(error, $"--api-url '{value}' is not an absolute address.");
                    replicas[^1] = replicas[^1] with { ApiUrl = api };
                    break;
                default:
                    return Fail(error, $"Unexpected argument '{args[i]}' (an --endpoint or --api-url follows the --replica it is for).\n{Usage}");
            }
            i++;
        }
        if (string.IsNullOrWhiteSpace(name) || caFile is null || replicas.Count == 0)
            return Fail(error, Usage);

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
