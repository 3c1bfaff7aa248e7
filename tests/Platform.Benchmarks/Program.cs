using System.Globalization;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using Platform.Benchmarks;

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
var mode = args.FirstOrDefault() ?? "all";
var rest = args.Skip(1).ToArray();
switch (mode)
{
    case "micro":
        BenchmarkSwitcher.FromAssembly(typeof(KeyWrapBenchmarks).Assembly).Run(rest.Length > 0 ? rest : ["--filter", "*"]);
        break;
    case "http":
        var seconds = rest.Length > 0 ? int.Parse(rest[0], CultureInfo.InvariantCulture) : 10;
        var concurrency = rest.Length > 1 ? int.Parse(rest[1], CultureInfo.InvariantCulture) : 16;
        await HttpLoadDriver.RunAsync(TimeSpan.FromSeconds(seconds), concurrency);
        break;
    case "ledger":
        var rowSeconds = rest.Length > 0 ? int.Parse(rest[0], CultureInfo.InvariantCulture) : 10;
        var clients = rest.Length > 1 ? rest[1].Split(',').Select(c => int.Parse(c, CultureInfo.InvariantCulture)).ToArray() : [1, 16, 64, 256];
        await LedgerCommitBenchmark.RunAsync(TimeSpan.FromSeconds(rowSeconds), clients);
        break;
    case "ledger-e2e":
        var e2eSeconds = rest.Length > 0 ? int.Parse(rest[0], CultureInfo.InvariantCulture) : 15;
        var rates = rest.Length > 1 ? rest[1].Split(',').Select(r => int.Parse(r, CultureInfo.InvariantCulture)).ToArray() : [50, 200, 500, 1000];
        await LedgerEndToEndBenchmark.RunAsync(TimeSpan.FromSeconds(e2eSeconds), rates);
        break;
    case "ledger-snapshots":
        var snapshotEvents = rest.Length > 0 ? int.Parse(rest[0], CultureInfo.InvariantCulture) : 1_000_000;
        var snapshotInterval = rest.Length > 1 ? long.Parse(rest[1], CultureInfo.InvariantCulture) : 20_000;
        await LedgerSnapshotBenchmark.RunAsync(snapshotEvents, snapshotInterval);
        break;
    case "oidc":
        var oidcSeconds = rest.Length > 0 ? int.Parse(rest[0], CultureInfo.InvariantCulture) : 10;
        var oidcConcurrency = rest.Length > 1 ? int.Parse(rest[1], CultureInfo.InvariantCulture) : 16;
        await OidcTokenBenchmark.RunAsync(TimeSpan.FromSeconds(oidcSeconds), oidcConcurrency);
        break;
    case "tokens":
        var tokenSeconds = rest.Length > 0 ? int.Parse(rest[0], CultureInfo.InvariantCulture) : 10;
        var tokenConcurrency = rest.Length > 1 ? int.Parse(rest[1], CultureInfo.InvariantCulture) : 16;
        var tokenRounds = rest.Length > 2 ? int.Parse(rest[2], CultureInfo.InvariantCulture) : 2;
        var tokenStore = rest.Length > 3 ? rest[3] : "sqlite";
        await TokenPeerBenchmark.RunAsync(TimeSpan.FromSeconds(tokenSeconds), tokenConcurrency, tokenRounds, tokenStore);
        break;
    case OutOfProcessIdentity.Mode: // the child process of the tokens mode
        await OutOfProcessIdentity.ServeAsync(rest);
        break;
    case "code-flow":
        var flowSeconds = rest.Length > 0 ? int.Parse(rest[0], CultureInfo.InvariantCulture) : 10;
        var flowConcurrency = rest.Length > 1 ? int.Parse(rest[1], CultureInfo.InvariantCulture) : 16;
        await CodeFlowBenchmark.RunAsync(TimeSpan.FromSeconds(flowSeconds), flowConcurrency);
        break;
    case "decisions":
        var decisionSeconds = rest.Length > 0 ? int.Parse(rest[0], CultureInfo.InvariantCulture) : 10;
        var decisionConcurrency = rest.Length > 1 ? int.Parse(rest[1], CultureInfo.InvariantCulture) : 16;
        var patients = rest.Length > 2 ? int.Parse(rest[2], CultureInfo.InvariantCulture) : 100_000;
        var consentsPerPatient = rest.Length > 3 ? int.Parse(rest[3], CultureInfo.InvariantCulture) : 10;
        await DecisionBenchmark.RunAsync(TimeSpan.FromSeconds(decisionSeconds), decisionConcurrency, patients, consentsPerPatient);
        break;
    case "vault":
        var vaultSeconds = rest.Length > 0 ? int.Parse(rest[0], CultureInfo.InvariantCulture) : 10;
        var vaultConcurrency = rest.Length > 1 ? int.Parse(rest[1], CultureInfo.InvariantCulture) : 16;
        var vaultRecords = rest.Length > 2 ? int.Parse(rest[2], CultureInfo.InvariantCulture) : 1_000;
        var vaultRounds = rest.Length > 3 ? int.Parse(rest[3], CultureInfo.InvariantCulture) : 3;
        await VaultReadBenchmark.RunAsync(TimeSpan.FromSeconds(vaultSeconds), vaultConcurrency, vaultRecords, vaultRounds);
        break;
    case "fhir-search":
        var searchSeconds = rest.Length > 0 ? int.Parse(rest[0], CultureInfo.InvariantCulture) : 10;
        var searchConcurrency = rest.Length > 1 ? int.Parse(rest[1], CultureInfo.InvariantCulture) : 8;
        var searchResources = rest.Length > 2 ? int.Parse(rest[2], CultureInfo.InvariantCulture) : 10_000;
        await FhirSearchBenchmark.RunAsync(TimeSpan.FromSeconds(searchSeconds), searchConcurrency, searchResources);
        break;
    case "all":
        var config = DefaultConfig.Instance.AddJob(Job.ShortRun);
        BenchmarkRunner.Run([typeof(KeyWrapBenchmarks), typeof(OutboxBenchmarks)], config);
        await HttpLoadDriver.RunAsync(TimeSpan.FromSeconds(5), 16);
        await LedgerCommitBenchmark.RunAsync(TimeSpan.FromSeconds(5), [1, 16, 64, 256]);
        await OidcTokenBenchmark.RunAsync(TimeSpan.FromSeconds(5), 16);
        // A tenth of the full dataset (100 000 consents), to keep 'all' short; 'decisions' alone seeds the full million.
        await DecisionBenchmark.RunAsync(TimeSpan.FromSeconds(5), 16, 10_000, 10);
        // 200 records instead of 1 000 and one round of the three cache modes instead of two, to keep 'all' short.
        await VaultReadBenchmark.RunAsync(TimeSpan.FromSeconds(5), 16, 200, 1);
        break;
    default:
        Console.Error.WriteLine($"Unknown mode '{mode}'. Use micro, http, ledger, ledger-e2e, ledger-snapshots, oidc, tokens, code-flow, decisions, vault or all.");
        return 2;
}
return 0;
