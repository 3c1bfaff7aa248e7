using System.Buffers.Text;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Platform.Identity;
using Platform.Testing;

namespace Platform.Benchmarks;

/// <summary>
/// The identity service's token endpoint side by side with node-oidc-provider (npm <c>oidc-provider</c>, pinned in
/// <c>tests/tools/oidc-peer</c>, installed with <c>npm ci</c> on first use): the same confidential client
/// (client_secret_basic, client_credentials, the same two scopes), ES256 JWT access tokens with a five-minute life,
/// each server with its default store (ours SQLite in a temp folder as the tests start it, the peer its in-memory
/// adapter). One load driver (<see cref="LoadLoop"/>, N closed-loop callers over kept-alive HTTP/1.1 connections)
/// drives both, alternating peer and ours for a number of rounds so that noise from other work on the machine falls
/// on both sides. Beside each row: the CPU time the server process spent per token, its working set, and the bytes
/// this process allocated per request (the driver alone when driving the peer; driver and server when driving ours,
/// which runs in this process).
/// </summary>
public static class TokenPeerBenchmark
{
    /// <param name="store">
    /// <c>sqlite</c> (a file in a temp folder, as the tests start the service) or <c>postgres</c> (the chart's store: a
    /// PostgreSQL server started as the tests start it, one database per identity instance).
    /// </param>
    public static async Task RunAsync(TimeSpan duration, int concurrency, int rounds, string store)
    {
        if (store is not ("sqlite" or "postgres"))
        {
            throw new ArgumentException($"Unknown store '{store}': sqlite or postgres.", nameof(store));
        }
        var peerFolder = RepositoryRoot.Combine("tests", "tools", "oidc-peer");
        if (!Directory.Exists(Path.Combine(peerFolder, "node_modules", "oidc-provider")))
        {
            Console.WriteLine("(installing the peer: npm ci in tests/tools/oidc-peer)");
            await ExternalProcess.RunAsync("npm", "ci", "--no-audit", "--no-fund", "--prefix", peerFolder);
        }
        var peerPort = FreePort.Next();
        await using var peer = ExternalProcess.Start("node", Path.Combine(peerFolder, "server.js"), peerPort.ToString(CultureInfo.InvariantCulture),
            OidcTokenBenchmark.ClientId, OidcTokenBenchmark.ClientSecret, OidcTokenBenchmark.Scope);
        await FreePort.WaitUntilListeningAsync(peerPort, TimeSpan.FromSeconds(30), () => peer.Output);
        await using var postgres = store == "postgres" ? new PostgresServer() : null;
        if (postgres is not null)
        {
            await postgres.InitializeAsync();
        }
        async Task<Dictionary<string, string?>> StoreSettingsAsync(string name) => postgres is null ? [] : new()
        {
            ["Database:Provider"] = "Postgres",
            ["ConnectionStrings:identity"] = await postgres.CreateDatabaseAsync(name),
        };
        // The same service twice: as it is now (no token entry per client_credentials access token) and as before
        // (an entry per token, Identity:StoreClientCredentialsAccessTokens=true), the same-run baseline for the change.
        var withEntrySettings = await StoreSettingsAsync("identity_entries");
        withEntrySettings["Identity:StoreClientCredentialsAccessTokens"] = "true";
        await using var ours = await OidcTokenBenchmark.StartIdentityAsync(await StoreSettingsAsync("identity_ours"));
        await using var withEntries = await OidcTokenBenchmark.StartIdentityAsync(withEntrySettings);
        // Ours again in a process of its own, as the peer runs: its rows charge the server alone, not the driver.
        await using var separate = await OutOfProcessIdentity.StartAsync(await StoreSettingsAsync("identity_separate"));
        // And once more with every request through OpenIddict's pipeline (Identity:ServiceTokensFromSnapshot=false):
        // the same-run baseline for the answer from the snapshots.
        var pipelineSettings = await StoreSettingsAsync("identity_pipeline");
        pipelineSettings["Identity:ServiceTokensFromSnapshot"] = "false";
        await using var pipeline = await OutOfProcessIdentity.StartAsync(pipelineSettings);
        Console.WriteLine($"(identity in its own process: pid {separate.Process.Id}, {separate.Address}, {separate.GarbageCollector} GC;"
            + $" this process: {(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")} GC)");
        static Task<long> Here() => Task.FromResult(GC.GetTotalAllocatedBytes(precise: false));

        var targets = new[]
        {
            new Target("node-oidc-provider 9.13.3 POST /token", new Uri($"http://127.0.0.1:{peerPort}/token"), Process.GetProcessById(peer.Id), Here),
            new Target("identity, a token entry per token (before)", new Uri(withEntries.Client.BaseAddress!, "/connect/token"), Process.GetCurrentProcess(), Here),
            new Target("identity POST /connect/token", new Uri(ours.Client.BaseAddress!, "/connect/token"), Process.GetCurrentProcess(), Here),
            new Target("identity, own process", new Uri(separate.Address, "/connect/token"), separate.Process, separate.AllocatedBytesAsync),
            new Target("identity, own process, all via OpenIddict", new Uri(pipeline.Address, "/connect/token"), pipeline.Process, pipeline.AllocatedBytesAsync),
        };
        Console.WriteLine($"(load average at the start: {File.ReadAllText("/proc/loadavg").Trim()})");
        Console.WriteLine($"Tokens, ours vs the peer: client_credentials, client_secret_basic, ES256 JWT access tokens; {concurrency} callers, "
            + $"2 s warm-up + {duration.TotalSeconds:F0} s per row, {rounds} rounds alternating, loopback, {Environment.ProcessorCount} cores, Release build, "
            + $"our store {(postgres is null ? "SQLite" : "PostgreSQL")}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{"round target",-44} {"tokens/s",9} {"p50 ms",7} {"p99 ms",7} {"errors",6} {"server CPU ms/token",19} {"server WS MiB",13} {"server KiB/req",14}"));
        // Every server JIT-compiles its hot path once before the first row (tiered compilation needs a few thousand
        // requests), so that round 1 does not charge one side with it.
        foreach (var target in targets)
        {
            await DriveAsync(target, TimeSpan.FromSeconds(3), concurrency);
        }
        var totals = targets.ToDictionary(t => t.Name, _ => new List<Row>());
        for (var round = 1; round <= rounds; round++)
        {
            foreach (var target in targets)
            {
                var row = await DriveAsync(target, duration, concurrency);
                totals[target.Name].Add(row);
                foreach (var (tag, count) in row.Failures)
                {
                    Console.WriteLine($"  ({count} failed: {tag})");
                }
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{round + " " + target.Name,-44} {row.PerSecond,9:F0} {row.P50,7:F2} {row.P99,7:F2} {row.Errors,6} {row.ServerCpuMsPerToken,19:F2} {row.WorkingSetMiB,13:F0} {row.AllocatedKiBPerRequest,14:F1}"));
            }
        }
        var peerRate = totals[targets[0].Name].Average(r => r.PerSecond);
        var beforeRate = totals[targets[1].Name].Average(r => r.PerSecond);
        var ourRate = totals[targets[2].Name].Average(r => r.PerSecond);
        var separateRate = totals[targets[3].Name].Average(r => r.PerSecond);
        var pipelineRate = totals[targets[4].Name].Average(r => r.PerSecond);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"mean over {rounds} rounds: peer {peerRate:F0} tokens/s (p99 {totals[targets[0].Name].Average(r => r.P99):F1} ms), "
            + $"ours with an entry per token {beforeRate:F0} tokens/s (p99 {totals[targets[1].Name].Average(r => r.P99):F1} ms, {beforeRate / peerRate:F2}x), "
            + $"ours in this process {ourRate:F0} tokens/s (p99 {totals[targets[2].Name].Average(r => r.P99):F1} ms, {ourRate / peerRate:F2}x), "
            + $"ours in its own process {separateRate:F0} tokens/s (p99 {totals[targets[3].Name].Average(r => r.P99):F1} ms; "
            + $"every request through OpenIddict's pipeline {pipelineRate:F0} tokens/s, {pipelineRate / peerRate:F2}x): "
            + $"ours (own process)/peer = {separateRate / peerRate:F2}x (target 2x, p99 below the peer's)"));
        Console.WriteLine($"(load average at the end: {File.ReadAllText("/proc/loadavg").Trim()})");
        Console.WriteLine("(server CPU, working set and KiB/req: the server process's; for the rows of ours in this process they include the load driver,"
            + " whose own allocations the peer rows show: there the KiB/req column is this process's, i.e. the driver alone)");
    }

    /// <summary>Whether the answer carries an ES256-signed JWT access token (the header names the algorithm).</summary>
    private static bool IsEs256AccessToken(string body)
    {
        using var json = JsonDocument.Parse(body);
        if (!json.RootElement.TryGetProperty("access_token", out var token) || token.GetString() is not { } jwt)
        {
            return false;
        }
        var dot = jwt.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0)
        {
            return false;
        }
        using var header = JsonDocument.Parse(Base64Url.DecodeFromChars(jwt.AsSpan(0, dot)));
        return header.RootElement.TryGetProperty("alg", out var alg) && alg.GetString() == "ES256";
    }

    /// <param name="AllocatedBytes">The server process's allocations so far (this process's when it runs here; for the peer, the driver's).</param>
    private sealed record Target(string Name, Uri Address, Process Server, Func<Task<long>> AllocatedBytes);

    private sealed record Row(double PerSecond, double P50, double P99, long Errors, double ServerCpuMsPerToken, double WorkingSetMiB, double AllocatedKiBPerRequest,
        IReadOnlyDictionary<string, long> Failures);

    private static async Task<Row> DriveAsync(Target target, TimeSpan duration, int concurrency)
    {
        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency });
        var basic = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(
            $"{Uri.EscapeDataString(OidcTokenBenchmark.ClientId)}:{Uri.EscapeDataString(OidcTokenBenchmark.ClientSecret)}")));
        async Task<(bool Ok, string? Tag)> Token(Random _)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, target.Address)
            {
                Content = new FormUrlEncodedContent([new("grant_type", "client_credentials"), new("scope", OidcTokenBenchmark.Scope)]),
            };
            request.Headers.Authorization = basic;
            using var response = await client.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            var ok = response.IsSuccessStatusCode && IsEs256AccessToken(body);
            return (ok, ok ? null : $"{(int)response.StatusCode} {body[..Math.Min(body.Length, 160)]}");
        }

        await LoadLoop.RunAsync(TimeSpan.FromSeconds(2), concurrency, Token);
        target.Server.Refresh();
        var cpuBefore = target.Server.TotalProcessorTime;
        var allocatedBefore = await target.AllocatedBytes();
        var stopwatch = Stopwatch.StartNew();
        var tallies = await LoadLoop.RunAsync(duration, concurrency, Token);
        var seconds = stopwatch.Elapsed.TotalSeconds;
        var allocated = await target.AllocatedBytes() - allocatedBefore;
        target.Server.Refresh();
        var cpu = target.Server.TotalProcessorTime - cpuBefore;
        var all = tallies.SelectMany(t => t.Latencies).Order().ToArray();
        var requests = Math.Max(1, all.Length);
        return new Row(all.Length / seconds, LoadLoop.Percentile(all, 0.50), LoadLoop.Percentile(all, 0.99), tallies.Sum(t => t.Errors),
            cpu.TotalMilliseconds / requests, target.Server.WorkingSet64 / 1024.0 / 1024.0, allocated / 1024.0 / requests,
            tallies.SelectMany(t => t.Tags).GroupBy(t => t.Key).ToDictionary(g => g.Key, g => g.Sum(t => t.Value)));
    }
}
