using System.Globalization;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using Platform.Benchmarks;

// Usage (always Release):
//   dotnet run -c Release --project tests/Platform.Benchmarks -- micro [BenchmarkDotNet options, e.g. --filter *KeyWrap*]
//   dotnet run -c Release --project tests/Platform.Benchmarks -- http [seconds] [concurrency]
//   dotnet run -c Release --project tests/Platform.Benchmarks -- all      (both, with short jobs)
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
    case "all":
        var config = DefaultConfig.Instance.AddJob(Job.ShortRun);
        BenchmarkRunner.Run([typeof(KeyWrapBenchmarks), typeof(OutboxBenchmarks)], config);
        await HttpLoadDriver.RunAsync(TimeSpan.FromSeconds(5), 16);
        break;
    default:
        Console.Error.WriteLine($"Unknown mode '{mode}'. Use micro, http or all.");
        return 2;
}
return 0;
