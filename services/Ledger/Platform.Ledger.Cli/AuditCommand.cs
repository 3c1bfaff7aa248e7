using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Platform.Ledger.Verification;

namespace Platform.Ledger.Cli;

/// <summary>
/// <c>ledger audit --consortium CONSORTIUM.json [--checkpoint FILE]... URL...</c>: the fork auditor. Fetches every
/// final checkpoint each member's replica publishes (<c>GET /checkpoints</c>), adds checkpoints from files (the one in
/// a receipt, say), checks them against the consortium configuration and asks the members for consistency proofs
/// between them (<see cref="ForkAudit"/>). Prints a JSON report with the evidence. Exit codes: 0 no finding, 1
/// equivocation or a minority-signed checkpoint found, 2 the command could not run (usage, files, no source answered).
/// </summary>
public static class AuditCommand
{
    internal const string Usage = """
        usage:
          ledger audit --consortium CONSORTIUM.json [--checkpoint CHECKPOINT.json]... URL...

        CONSORTIUM.json is the consortium's configuration as your institution agreed to it (or GET /consortium of a
        replica you trust). URL is a member's replica API address; give several. CHECKPOINT.json is a signed
        checkpoint you hold (e.g. `jq .checkpoint receipt.json`). Prints a JSON report; a finding carries the
        checkpoints (and proofs) that show it.
        Exit code: 0 nothing found, 1 equivocation or a checkpoint not signed by a majority, 2 the command could not run.
        """;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
    };

    private static readonly JsonSerializerOptions ReportJson = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, HttpMessageHandler? handler = null)
    {
        string? consortiumFile = null;
        var checkpointFiles = new List<string>();
        var urls = new List<Uri>();
        for (var i = 1; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--consortium" when i + 1 < args.Length:
                    consortiumFile = args[++i];
                    break;
                case "--checkpoint" when i + 1 < args.Length:
                    checkpointFiles.Add(args[++i]);
                    break;
                case var url when Uri.TryCreate(url.EndsWith('/') ? url : url + "/", UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https":
                    urls.Add(uri);
                    break;
                default:
                    error.WriteLine($"Unexpected argument '{args[i]}'.\n{Usage}");
                    return LedgerCli.Unusable;
            }
        }
        if (consortiumFile is null || urls.Count == 0)
        {
            error.WriteLine(Usage);
            return LedgerCli.Unusable;
        }

        ConsortiumConfiguration consortium;
        var observed = new List<ObservedCheckpoint>();
        try
        {
            consortium = Read<ConsortiumConfiguration>(consortiumFile);
            if (consortium.Problem() is { } problem)
            {
                error.WriteLine($"{consortiumFile} is not a usable consortium configuration: {problem}");
                return LedgerCli.Unusable;
            }
            observed.AddRange(checkpointFiles.Select(f => new ObservedCheckpoint("file:" + Path.GetFileName(f), Read<SignedCheckpoint>(f))));
        }
        catch (InvalidDataException e)
        {
            error.WriteLine(e.Message);
            return LedgerCli.Unusable;
        }

        using var http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        http.Timeout = TimeSpan.FromSeconds(15);
        var sources = new List<object>();
        foreach (var url in urls)
        {
            try
            {
                var history = await http.GetFromJsonAsync<CheckpointHistory>(new Uri(url, "checkpoints"), Json).ConfigureAwait(false);
                var checkpoints = history?.Checkpoints ?? [];
                observed.AddRange(checkpoints.Select(c => new ObservedCheckpoint(url.ToString(), c)));
                sources.Add(new { source = url.ToString(), checkpoints = checkpoints.Count });
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException or NotSupportedException)
            {
                sources.Add(new { source = url.ToString(), error = e.Message });
            }
        }
        if (observed.Count == 0)
        {
            error.WriteLine("No checkpoint was obtained from any source: " + JsonSerializer.Serialize(sources, ReportJson));
            return LedgerCli.Unusable;
        }

        var findings = await ForkAudit.RunAsync(consortium, observed, (from, to) => ProofsAsync(http, urls, from, to)).ConfigureAwait(false);
        output.WriteLine(JsonSerializer.Serialize(new
        {
            ledgerId = consortium.LedgerId,
            members = consortium.Members.Select(m => m.Name),
            sources,
            checkpointsSeen = observed.Count,
            verdict = findings.Count == 0 ? "consistent" : "equivocation",
            findings,
        }, ReportJson));
        return findings.Count == 0 ? LedgerCli.Valid : LedgerCli.Invalid;
    }

    private static async Task<IReadOnlyList<ObservedProof>> ProofsAsync(HttpClient http, IEnumerable<Uri> urls, long from, long to)
    {
        var proofs = new List<ObservedProof>();
        foreach (var url in urls)
        {
            try
            {
                using var response = await http.GetAsync(new Uri(url, FormattableString.Invariant($"proofs/consistency?from={from}&to={to}"))).ConfigureAwait(false);
                if (!response.IsSuccessStatusCode)
                {
                    proofs.Add(new ObservedProof(url.ToString(), null, $"HTTP {(int)response.StatusCode}"));
                    continue;
                }
                var body = await response.Content.ReadFromJsonAsync<ConsistencyProofResponse>(Json).ConfigureAwait(false);
                proofs.Add(new ObservedProof(url.ToString(), body?.Proof));
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException or NotSupportedException)
            {
                proofs.Add(new ObservedProof(url.ToString(), null, e.Message));
            }
        }
        return proofs;
    }

    private static T Read<T>(string path)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(File.ReadAllText(path), Json) ?? throw new InvalidDataException($"{path} is empty.");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            throw new InvalidDataException($"Cannot read {path} as {typeof(T).Name}: {e.Message}");
        }
    }

    private sealed record CheckpointHistory(IReadOnlyList<SignedCheckpoint> Checkpoints);

    private sealed record ConsistencyProofResponse(IReadOnlyList<string> Proof);
}
