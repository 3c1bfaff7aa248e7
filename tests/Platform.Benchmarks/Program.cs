using System.CommandLine;
using System.Globalization;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;
using Platform.Benchmarks;
using Job = BenchmarkDotNet.Jobs.Job; // BenchmarkDotNet.Jobs also has an Argument, as System.CommandLine does

// Usage (always Release):
//   dotnet run -c Release --project tests/Platform.Benchmarks -- micro [BenchmarkDotNet options, e.g. --filter *KeyWrap*]
//   dotnet run -c Release --project tests/Platform.Benchmarks -- http [seconds] [concurrency]
//   dotnet run -c Release --project tests/Platform.Benchmarks -- ledger [seconds] [clients,clients,...]
//   dotnet run -c Release --project tests/Platform.Benchmarks -- ledger-e2e [seconds] [rate,rate,...]   (consent service → bus → ledger → receipt back, offered events/s)
//   dotnet run -c Release --project tests/Platform.Benchmarks -- ledger-snapshots [events] [snapshot interval]
//   dotnet run -c Release --project tests/Platform.Benchmarks -- oidc [seconds] [concurrency]
//   dotnet run -c Release --project tests/Platform.Benchmarks -- tokens [seconds] [concurrency] [rounds] [sqlite|postgres]   (ours vs node-oidc-provider; needs node and npm)
//     (it starts this program again as "identity-server key=value..." for the row of ours in a process of its own)
//   dotnet run -c Release --project tests/Platform.Benchmarks -- code-flow [seconds] [concurrency]   (authorization-code exchanges and refreshes, ours only)
//   dotnet run -c Release --project tests/Platform.Benchmarks -- decisions [seconds] [concurrency] [patients] [consents per patient]
//   dotnet run -c Release --project tests/Platform.Benchmarks -- vault [seconds] [concurrency] [records] [rounds]
//   dotnet run -c Release --project tests/Platform.Benchmarks -- fhir-search [seconds] [concurrency] [resources]
//   dotnet run -c Release --project tests/Platform.Benchmarks -- all      (everything, with short jobs)
// Each mode is a subcommand whose positional arguments (in the order listed) may be left off from the end.
var root = new RootCommand("Figures for the hot paths, each printed next to a baseline measured in the same run.")
{
    PassThrough("micro", "BenchmarkDotNet, with its own options (default: --filter *)", rest =>
    {
        BenchmarkSwitcher.FromAssembly(typeof(KeyWrapBenchmarks).Assembly).Run(rest.Length > 0 ? rest : ["--filter", "*"]);
        return Task.CompletedTask;
    }),
    Mode("http", "HTTP load", [Number("seconds", 10), Number("concurrency", 16)],
        p => HttpLoadDriver.RunAsync(Seconds(p), p.GetValue<int>("concurrency"))),
    Mode("ledger", "ledger commits", [Number("seconds", 10), Numbers("clients", [1, 16, 64, 256])],
        p => LedgerCommitBenchmark.RunAsync(Seconds(p), p.GetValue<int[]>("clients")!)),
    Mode("ledger-e2e", "consent service → bus → ledger → receipt back, offered events/s", [Number("seconds", 15), Numbers("rates", [50, 200, 500, 1000])],
        p => LedgerEndToEndBenchmark.RunAsync(Seconds(p), p.GetValue<int[]>("rates")!)),
    Mode("ledger-snapshots", "ledger snapshots", [Number("events", 1_000_000), Number("snapshot-interval", 20_000)],
        p => LedgerSnapshotBenchmark.RunAsync(p.GetValue<int>("events"), p.GetValue<int>("snapshot-interval"))),
    Mode("oidc", "identity tokens (client_credentials)", [Number("seconds", 10), Number("concurrency", 16)],
        p => OidcTokenBenchmark.RunAsync(Seconds(p), p.GetValue<int>("concurrency"))),
    Mode("tokens", "ours vs node-oidc-provider (needs node and npm)", [Number("seconds", 10), Number("concurrency", 16), Number("rounds", 2), Store()],
        p => TokenPeerBenchmark.RunAsync(Seconds(p), p.GetValue<int>("concurrency"), p.GetValue<int>("rounds"), p.GetValue<string>("store")!)),
    // The child process of the tokens mode (key=value settings): the row of ours in a process of its own.
    PassThrough(OutOfProcessIdentity.Mode, "the identity service for the tokens mode", OutOfProcessIdentity.ServeAsync),
    Mode("code-flow", "authorization-code exchanges and refreshes, ours only", [Number("seconds", 10), Number("concurrency", 16)],
        p => CodeFlowBenchmark.RunAsync(Seconds(p), p.GetValue<int>("concurrency"))),
    Mode("decisions", "consent decisions", [Number("seconds", 10), Number("concurrency", 16), Number("patients", 100_000), Number("consents-per-patient", 10)],
        p => DecisionBenchmark.RunAsync(Seconds(p), p.GetValue<int>("concurrency"), p.GetValue<int>("patients"), p.GetValue<int>("consents-per-patient"))),
    Mode("vault", "record-vault reads", [Number("seconds", 10), Number("concurrency", 16), Number("records", 1_000), Number("rounds", 3)],
        p => VaultReadBenchmark.RunAsync(Seconds(p), p.GetValue<int>("concurrency"), p.GetValue<int>("records"), p.GetValue<int>("rounds"))),
    Mode("fhir-search", "FHIR search", [Number("seconds", 10), Number("concurrency", 8), Number("resources", 10_000)],
        p => FhirSearchBenchmark.RunAsync(Seconds(p), p.GetValue<int>("concurrency"), p.GetValue<int>("resources"))),
    Mode("all", "everything, with short jobs", [], _ => AllAsync()),
};
root.SetAction(_ => AllAsync()); // no mode: all
root.Directives.Clear(); // a key=value setting or a BenchmarkDotNet filter in brackets is an argument, not a directive

// @file is not a response file here either; a parse error (an unknown mode, a number that is not one) exits 2.
var parsed = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
if (parsed.Errors.Count > 0)
{
    foreach (var error in parsed.Errors)
    {
        Console.Error.WriteLine(error.Message);
    }
    Console.Error.WriteLine("Use micro, http, ledger, ledger-e2e, ledger-snapshots, oidc, tokens, code-flow, decisions, vault, fhir-search or all (--help lists their arguments).");
    return 2;
}
return await parsed.InvokeAsync();

static async Task AllAsync()
{
    var config = DefaultConfig.Instance.AddJob(Job.ShortRun);
    BenchmarkRunner.Run([typeof(KeyWrapBenchmarks), typeof(OutboxBenchmarks)], config);
    await HttpLoadDriver.RunAsync(TimeSpan.FromSeconds(5), 16);
    await LedgerCommitBenchmark.RunAsync(TimeSpan.FromSeconds(5), [1, 16, 64, 256]);
    await OidcTokenBenchmark.RunAsync(TimeSpan.FromSeconds(5), 16);
    // A tenth of the full dataset (100 000 consents), to keep 'all' short; 'decisions' alone seeds the full million.
    await DecisionBenchmark.RunAsync(TimeSpan.FromSeconds(5), 16, 10_000, 10);
    // 200 records instead of 1 000 and one round of the three cache modes instead of two, to keep 'all' short.
    await VaultReadBenchmark.RunAsync(TimeSpan.FromSeconds(5), 16, 200, 1);
}

static Command Mode(string name, string description, Argument[] arguments, Func<ParseResult, Task> run)
{
    var command = new Command(name, description);
    foreach (var argument in arguments)
    {
        command.Arguments.Add(argument);
    }
    command.SetAction(run);
    return command;
}

// A mode that hands every argument after its name to what it runs, unparsed (BenchmarkDotNet's options, settings).
static Command PassThrough(string name, string description, Func<string[], Task> run)
{
    var rest = new Argument<string[]>("arguments") { Arity = ArgumentArity.ZeroOrMore };
    var command = new Command(name, description) { rest };
    command.TreatUnmatchedTokensAsErrors = false;
    command.SetAction(parsed => run([.. parsed.GetValue(rest) ?? [], .. parsed.UnmatchedTokens]));
    return command;
}

static Argument<int> Number(string name, int fallback) =>
    new(name) { Arity = ArgumentArity.ZeroOrOne, DefaultValueFactory = _ => fallback };

// A comma-separated list, e.g. 1,16,64.
static Argument<int[]> Numbers(string name, int[] fallback) => new(name)
{
    Arity = ArgumentArity.ZeroOrOne,
    DefaultValueFactory = _ => fallback,
    CustomParser = result =>
    {
        var values = result.Tokens[0].Value.Split(',').Select(v => int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : (int?)null).ToArray();
        if (values.All(v => v is not null))
        {
            return [.. values.Select(v => v!.Value)];
        }
        result.AddError($"{name}: '{result.Tokens[0].Value}' is not a comma-separated list of numbers.");
        return fallback;
    },
};

static Argument<string> Store()
{
    var store = new Argument<string>("store") { Arity = ArgumentArity.ZeroOrOne, DefaultValueFactory = _ => "sqlite" };
    store.AcceptOnlyFromAmong("sqlite", "postgres");
    return store;
}

static TimeSpan Seconds(ParseResult parsed) => TimeSpan.FromSeconds(parsed.GetValue<int>("seconds"));
