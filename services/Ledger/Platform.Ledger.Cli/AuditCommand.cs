using System.CommandLine;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Platform.Ledger.Verification;

namespace Platform.Ledger.Cli;

/// <summary>
/// <c>ledger audit --consortium CONSORTIUM.json [--checkpoint FILE]... URL...</c>: the fork auditor. Fetches the
/// configuration history each member's replica serves (<c>GET /consortium/history</c>) and verifies it from the founding
/// configuration given (<see cref="ConfigurationAudit"/>), fetches every final checkpoint they publish
/// (<c>GET /checkpoints</c>), adds checkpoints from files (the one in a receipt, say), checks each against the
/// configuration in force at its size and asks the members for consistency proofs between them (<see cref="ForkAudit"/>). Prints a JSON report with the evidence. Exit codes: 0 no finding, 1
/// equivocation or a minority-signed checkpoint found, 2 the command could not run (usage, files, no source answered).
/// As a witness (<c>--witness-name NAME --witness-key KEY.pem --state FILE</c>) it remembers the last consistent head
/// per ledger, fetches only the feed after it (<c>GET /checkpoints?after=N</c>), proves the new checkpoints extend it,
/// and cosigns the newest (<see cref="WitnessCosignature"/>); on any finding it cosigns nothing and keeps its state.
/// </summary>
public static class AuditCommand
{
    internal const string Usage = """
        usage:
          ledger audit --consortium CONSORTIUM.json [--checkpoint CHECKPOINT.json]... URL...
          ledger audit --consortium CONSORTIUM.json --witness-name NAME --witness-key KEY.pem --state STATE.json
                       [--checkpoint CHECKPOINT.json]... URL...

        CONSORTIUM.json is the consortium's founding configuration as your institution agreed to it: every change
        since is taken from the replicas (GET /consortium/history) and verified from it (a majority of the members
        in force signed ballots for it), and each checkpoint is checked against the configuration in force at its
        size. URL is a member's replica API address; give several. CHECKPOINT.json is a signed
        checkpoint you hold (e.g. `jq .checkpoint receipt.json`). Prints a JSON report; a finding carries the
        checkpoints (and proofs) that show it.
        As a witness: KEY.pem is your EC P-256 private key (PEM); STATE.json keeps the last head you cosigned per
        ledger (created on the first run). Only checkpoints after that head are fetched, they must be proven to extend
        it, and the newest is cosigned (the report's witness.cosignature, also kept in STATE.json). On any finding
        nothing is cosigned and STATE.json is left as it was.
        Exit code: 0 nothing found (as a witness: cosigned), 1 equivocation, a checkpoint not signed by a majority or
        a configuration change without a majority's ballots (as a witness: refused to cosign), 2 the command could
        not run.
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

    private static readonly Option<string> ConsortiumFile = new("--consortium") { HelpName = "CONSORTIUM.json", Required = true };
    private static readonly Option<string[]> CheckpointFiles = new("--checkpoint") { HelpName = "CHECKPOINT.json", AllowMultipleArgumentsPerToken = false };
    private static readonly Option<string> WitnessName = new("--witness-name") { HelpName = "NAME" };
    private static readonly Option<string> WitnessKeyFile = new("--witness-key") { HelpName = "KEY.pem" };
    private static readonly Option<string> StateFile = new("--state") { HelpName = "STATE.json" };
    private static readonly Argument<string[]> Urls = Validated(new Argument<string[]>("URL") { Arity = ArgumentArity.OneOrMore });

    internal static Command Definition { get; } = Define();

    /// <summary>Runs <c>audit</c>; <paramref name="args"/> start with <c>audit</c>.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, HttpMessageHandler? handler = null) =>
        LedgerCommandLine.TryParse(args, [Definition], output, error, out var parsed, out var exit)
            ? await RunAsync(parsed, output, error, handler).ConfigureAwait(false)
            : exit;

    private static Command Define()
    {
        var command = new Command("audit", Usage) { ConsortiumFile, CheckpointFiles, WitnessName, WitnessKeyFile, StateFile, Urls };
        command.SetAction((parsed, _) => RunAsync(parsed, parsed.InvocationConfiguration.Output, parsed.InvocationConfiguration.Error));
        return command;
    }

    private static Argument<string[]> Validated(Argument<string[]> urls)
    {
        urls.Validators.Add(LedgerCommandLine.MustBeHttpAddresses);
        return urls;
    }

    private static async Task<int> RunAsync(ParseResult parsed, TextWriter output, TextWriter error, HttpMessageHandler? handler = null)
    {
        var consortiumFile = parsed.GetRequiredValue(ConsortiumFile);
        var checkpointFiles = parsed.GetValue(CheckpointFiles) ?? [];
        var witnessName = parsed.GetValue(WitnessName);
        var witnessKeyFile = parsed.GetValue(WitnessKeyFile);
        var stateFile = parsed.GetValue(StateFile);
        var urls = parsed.GetRequiredValue(Urls).Select(LedgerCommandLine.BaseUrl).OfType<Uri>().ToList();
        var witnessing = witnessName is not null || witnessKeyFile is not null || stateFile is not null;
        if (witnessing && (string.IsNullOrWhiteSpace(witnessName) || witnessKeyFile is null || stateFile is null))
        {
            error.WriteLine("A witness needs --witness-name, --witness-key and --state together.\n" + Usage);
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

        using var witness = witnessing ? Witness.Open(witnessName!, witnessKeyFile!, stateFile!, error) : null;
        if (witnessing && witness is null)
            return LedgerCli.Unusable;
        var previous = witness?.Previous(consortium.LedgerId);
        if (previous is not null)
            observed.Add(new ObservedCheckpoint("state:" + Path.GetFileName(stateFile!), previous.Head));

        using var http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        http.Timeout = TimeSpan.FromSeconds(15);
        var sources = new List<object>();
        var histories = new List<ConfigurationAudit.ServedHistory>();
        foreach (var url in urls)
        {
            try
            {
                if (await http.GetFromJsonAsync<ConfigurationHistory>(new Uri(url, "consortium/history"), Json).ConfigureAwait(false) is { } served)
                    histories.Add(new ConfigurationAudit.ServedHistory(url.ToString(), served));
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException or NotSupportedException)
            {
                sources.Add(new HistoryFailed(url.ToString(), e.Message));
            }
            try
            {
                // A witness asks only for what follows the head it already verified (the feed).
                var feed = previous is null ? "checkpoints" : FormattableString.Invariant($"checkpoints?after={previous.Head.Checkpoint.TreeSize}");
                var history = await http.GetFromJsonAsync<CheckpointHistory>(new Uri(url, feed), Json).ConfigureAwait(false);
                var checkpoints = history?.Checkpoints ?? [];
                observed.AddRange(checkpoints.Select(c => new ObservedCheckpoint(url.ToString(), c)));
                sources.Add(new SourceAnswered(url.ToString(), checkpoints.Count));
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException or NotSupportedException)
            {
                sources.Add(new SourceFailed(url.ToString(), e.Message));
            }
        }
        if (witness is not null && !sources.Any(s => s is SourceAnswered))
        {
            error.WriteLine("No source answered: a witness cosigns only what it fetched. " + JsonSerializer.Serialize(sources, ReportJson));
            return LedgerCli.Unusable;
        }
        if (observed.Count == 0)
        {
            error.WriteLine("No checkpoint was obtained from any source: " + JsonSerializer.Serialize(sources, ReportJson));
            return LedgerCli.Unusable;
        }

        // Governance findings first: checkpoints are then judged by the configurations the history proves.
        var (epochs, configurationFindings) = ConfigurationAudit.Reconcile(consortium, histories);
        var checkpointFindings = await ForkAudit.RunAsync(epochs, observed, (from, to) => ProofsAsync(http, urls, from, to)).ConfigureAwait(false);
        IReadOnlyList<AuditFinding> findings = [.. configurationFindings, .. checkpointFindings];
        object? witnessReport = null;
        if (witness is not null)
        {
            try
            {
                witnessReport = witness.Conclude(consortium.LedgerId, previous, findings.Count == 0 ? observed : null);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                error.WriteLine($"Cannot write {stateFile}: {e.Message}");
                return LedgerCli.Unusable;
            }
        }
        output.WriteLine(JsonSerializer.Serialize(new
        {
            ledgerId = consortium.LedgerId,
            members = consortium.Members.Select(m => m.Name),
            configurations = epochs.Select(e => new { version = e.Version, fromTreeSize = e.FromTreeSize, members = e.Configuration.Members.Select(m => m.Name) }),
            sources,
            checkpointsSeen = observed.Count,
            verdict = findings.Count == 0 ? "consistent" : "equivocation",
            findings,
            witness = witnessReport,
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

    private sealed record SourceAnswered(string Source, int Checkpoints);

    private sealed record SourceFailed(string Source, string Error);

    private sealed record HistoryFailed(string Source, string HistoryError);

    private sealed record CheckpointHistory(IReadOnlyList<SignedCheckpoint> Checkpoints);

    private sealed record ConsistencyProofResponse(IReadOnlyList<string> Proof);
}
