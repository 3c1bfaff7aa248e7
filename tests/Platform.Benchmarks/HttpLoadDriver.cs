using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Platform.Ledger;
using Platform.ServiceDefaults;
using Platform.Testing;

namespace Platform.Benchmarks;

/// <summary>
/// A small closed-loop HTTP load driver on loopback: N workers send requests back to back for a fixed time.
/// Baseline: a bare Kestrel endpoint answering the same JSON, so the figure shows what the service defaults
/// (problem details, rate limiter, telemetry, health) cost per request.
/// </summary>
public static class HttpLoadDriver
{
    public static async Task RunAsync(TimeSpan duration, int concurrency)
    {
        Console.WriteLine($"HTTP load: {concurrency} concurrent clients, {duration.TotalSeconds:F0} s per target, loopback, Release build");
        Console.WriteLine($"{"target",-44} {"requests/s",12} {"p50 ms",8} {"p99 ms",8} {"errors",7}");

        await using (var bare = await StartBareAsync())
        {
            Print("bare Kestrel GET / (baseline)", await DriveAsync(bare.Address, "/", duration, concurrency));
        }
        await using var ledger = await ServiceUnderTest.StartAsync(LedgerService.Build, new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Default"] = "Warning",
        });
        var address = ledger.Client.BaseAddress!;
        Print("ledger service GET / (service defaults)", await DriveAsync(address, "/", duration, concurrency));
        Print("ledger service GET /health/live", await DriveAsync(address, "/health/live", duration, concurrency));
        Print("ledger service GET /health/ready (SQLite)", await DriveAsync(address, "/health/ready", duration, concurrency));
    }

    private sealed record Result(long Requests, long Errors, double Seconds, double P50, double P99);

    private static async Task<Result> DriveAsync(Uri address, string path, TimeSpan duration, int concurrency)
    {
        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency }) { BaseAddress = address };
        // Warm-up: JIT, connection pool, database pool.
        for (var i = 0; i < 200; i++)
        {
            (await client.GetAsync(path)).Dispose();
        }
        var stopwatch = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            var latencies = new List<double>();
            long errors = 0;
            while (stopwatch.Elapsed < duration)
            {
                var started = Stopwatch.GetTimestamp();
                using var response = await client.GetAsync(path);
                latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                if (!response.IsSuccessStatusCode)
                {
                    errors++;
                }
            }
            return (latencies, errors);
        })).ToArray();
        var results = await Task.WhenAll(workers);
        var seconds = stopwatch.Elapsed.TotalSeconds;
        var all = results.SelectMany(r => r.latencies).Order().ToArray();
        return new Result(all.Length, results.Sum(r => r.errors), seconds, LoadLoop.Percentile(all, 0.50), LoadLoop.Percentile(all, 0.99));
    }


    private static void Print(string target, Result r) => Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{target,-44} {r.Requests / r.Seconds,12:F0} {r.P50,8:F2} {r.P99,8:F2} {r.Errors,7}"));

    private sealed class BareServer(WebApplication app, Uri address) : IAsyncDisposable
    {
        public Uri Address { get; } = address;

        public async ValueTask DisposeAsync()
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    private static async Task<BareServer> StartBareAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapGet("/", () => Results.Ok(new { service = "bare", version = "1.0.0", openapi = "/openapi/v1.json", health = "/health/ready" }));
        await app.StartAsync();
        return new BareServer(app, app.GetListeningAddress());
    }
}
