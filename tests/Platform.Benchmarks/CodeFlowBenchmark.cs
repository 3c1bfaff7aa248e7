using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using Platform.Identity.Accounts;
using Platform.Identity.Testing;

namespace Platform.Benchmarks;

/// <summary>
/// Authorization-code exchanges and refreshes per second at our identity service (issue 18), without a peer: the
/// peer's code flow needs its interaction pages for every code, which this driver does not script. The service runs
/// as the identity tests start it (SQLite, software keys, the portal client: public, PKCE), rate limits raised. Each
/// caller signs one patient in once (password, no second factor) and keeps its browser session; then
/// <list type="bullet">
/// <item>code flow: <c>GET /connect/authorize</c> with the session (answered with a redirect carrying a code, no
/// page) and <c>POST /connect/token</c> redeeming the code with its PKCE verifier — two requests, counted as one;</item>
/// <item>refresh: <c>POST /connect/token</c> with <c>grant_type=refresh_token</c>, each caller following its own
/// rotating chain.</item>
/// </list>
/// Every one counts only when the token answer is 200 with an access token (and, for refresh, a new refresh token).
/// </summary>
public static class CodeFlowBenchmark
{
    private const string Scope = "openid offline_access records";

    public static async Task RunAsync(TimeSpan duration, int concurrency)
    {
        Console.WriteLine($"(load average at the start: {File.ReadAllText("/proc/loadavg").Trim()})");
        Console.WriteLine($"Code flow and refresh at the identity service (SQLite, software keys), {concurrency} callers, 2 s warm-up + "
            + $"{duration.TotalSeconds:F0} s per row, loopback, {Environment.ProcessorCount} cores, Release build");
        await using var identity = await IdentityServer.StartAsync(new Dictionary<string, string?>
        {
            ["RateLimiting:per-client:PermitLimit"] = "100000000",
            ["RateLimiting:sensitive:PermitLimit"] = "100000000",
            ["Logging:LogLevel:Default"] = "Error",
        });
        var patient = await TestAccounts.CreateAsync(identity.Service.Services, PlatformRoles.Patient, enrolTotp: false);
        var callers = new ConcurrentBag<Caller>();
        for (var i = 0; i < concurrency; i++)
        {
            var session = new FormSession(identity.BaseAddress);
            var tokens = await new CodeFlow(session).SignInThroughPortalAsync(patient, Scope);
            callers.Add(new Caller(session, tokens.GetProperty("refresh_token").GetString()!));
        }

        async Task<(bool, string?)> WithCaller(Func<Caller, Task<(bool, string?)>> call)
        {
            if (!callers.TryTake(out var caller))
            {
                return (false, "no free caller");
            }
            try
            {
                return await call(caller);
            }
            finally
            {
                callers.Add(caller);
            }
        }

        Console.WriteLine($"{"target",-58} {"per second",10} {"p50 ms",8} {"p99 ms",8} {"errors",7} {"KiB allocated/op",17}");
        Print("code flow: authorize (signed-in session) + code exchange", await DriveAsync(duration, concurrency, random => WithCaller(async caller =>
        {
            var pkce = Pkce.Create();
            var flow = new CodeFlow(caller.Session);
            var redirect = await flow.RunAsync(CodeFlow.AuthorizeUrl(IdentityServer.PortalClient, IdentityServer.PortalRedirect, Scope, pkce), account: null);
            if (!CodeFlow.QueryOf(redirect).TryGetValue("code", out var code))
            {
                return (false, "no code: " + redirect[..Math.Min(redirect.Length, 80)]);
            }
            var (status, body) = await flow.RedeemCodeAsync(code, IdentityServer.PortalClient, IdentityServer.PortalRedirect, pkce.Verifier);
            return status == HttpStatusCode.OK && body.TryGetProperty("access_token", out _) ? (true, null) : (false, $"{(int)status}");
        })));
        Print("refresh: rotating refresh token", await DriveAsync(duration, concurrency, random => WithCaller(async caller =>
        {
            var (status, body) = await new CodeFlow(caller.Session).TokenAsync(new Dictionary<string, string>
            {
                ["grant_type"] = "refresh_token",
                ["refresh_token"] = caller.RefreshToken,
                ["client_id"] = IdentityServer.PortalClient,
            });
            if (status != HttpStatusCode.OK || !body.TryGetProperty("refresh_token", out var next))
            {
                return (false, $"{(int)status}");
            }
            caller.RefreshToken = next.GetString()!;
            return (true, null);
        })));
        Console.WriteLine($"(load average at the end: {File.ReadAllText("/proc/loadavg").Trim()})");
    }

    private sealed class Caller(FormSession session, string refreshToken)
    {
        public FormSession Session { get; } = session;
        public string RefreshToken { get; set; } = refreshToken;
    }

    private static async Task<(double PerSecond, double P50, double P99, long Errors, double KiBPerOp, IReadOnlyDictionary<string, long> Failures)> DriveAsync(
        TimeSpan duration, int concurrency, Func<Random, Task<(bool Ok, string? Tag)>> call)
    {
        await LoadLoop.RunAsync(TimeSpan.FromSeconds(2), concurrency, call);
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: false);
        var stopwatch = Stopwatch.StartNew();
        var tallies = await LoadLoop.RunAsync(duration, concurrency, call);
        var seconds = stopwatch.Elapsed.TotalSeconds;
        var all = tallies.SelectMany(t => t.Latencies).Order().ToArray();
        var allocated = (GC.GetTotalAllocatedBytes(precise: false) - allocatedBefore) / 1024.0 / Math.Max(1, all.Length);
        return (all.Length / seconds, LoadLoop.Percentile(all, 0.50), LoadLoop.Percentile(all, 0.99), tallies.Sum(t => t.Errors), allocated,
            tallies.SelectMany(t => t.Tags).GroupBy(t => t.Key).ToDictionary(g => g.Key, g => g.Sum(t => t.Value)));
    }

    private static void Print(string name, (double PerSecond, double P50, double P99, long Errors, double KiBPerOp, IReadOnlyDictionary<string, long> Failures) row)
    {
        foreach (var (tag, count) in row.Failures)
        {
            Console.WriteLine($"  ({count} failed: {tag})");
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name,-58} {row.PerSecond,10:F0} {row.P50,8:F2} {row.P99,8:F2} {row.Errors,7} {row.KiBPerOp,17:F1}"));
    }
}
