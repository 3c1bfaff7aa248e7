using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.Identity.Tests.Infrastructure;
using Platform.Ledger.Verification;
using Xunit.Abstractions;

namespace Platform.Journey.Tests.DevHost;

/// <summary>
/// Issue 25, "nothing lost on a crash": the dev host, under a steady load of consent grants and revokes, is killed
/// with SIGKILL and restarted on the same data folder. Every change the API acknowledged must get its ledger receipt
/// within a bounded time after the restart, and no change may be on the ledger twice.
/// <para>
/// One kill here (about a minute); <c>tests/tools/crash-drill.sh</c> reruns it with more kills and longer load
/// (<c>CRASH_KILLS</c>, <c>CRASH_LOAD_SECONDS</c>).
/// </para>
/// </summary>
public sealed class CrashTests(ITestOutputHelper output)
{
    private static readonly TimeSpan ReceiptsWithin = TimeSpan.FromSeconds(60);
    private const int Workers = 6;

    // The load comes from one patient; the per-subject limit (600 a minute) would refuse most of it.
    private static readonly Dictionary<string, string> Environment = new()
    {
        ["RateLimiting__per-client__PermitLimit"] = "1000000",
    };

    [Fact]
    public async Task Every_acknowledged_consent_change_gets_its_receipt_after_a_SIGKILL_and_nothing_is_on_the_ledger_twice()
    {
        var kills = Setting("CRASH_KILLS", 1);
        var loadSeconds = Setting("CRASH_LOAD_SECONDS", 4);
        var data = Directory.CreateTempSubdirectory("crash-").FullName;
        var acknowledged = new ConcurrentDictionary<(Guid Consent, int Version), byte>();
        var host = await DevHostProcess.StartAsync(data, TimeSpan.FromSeconds(90), environment: Environment);
        try
        {
            var token = await PatientTokenAsync(host);
            for (var kill = 1; kill <= kills; kill++)
            {
                using var stop = new CancellationTokenSource();
                var load = Enumerable.Range(0, Workers).Select(w => LoadAsync(host, token, $"crash-{kill}-{w}", acknowledged, stop.Token)).ToArray();
                // Kill at a different moment each time, always with requests in flight.
                await Task.Delay(TimeSpan.FromSeconds(loadSeconds * (0.5 + (Random.Shared.NextDouble() / 2))));
                var before = acknowledged.Count;
                await host.KillAsync();
                await stop.CancelAsync();
                await Task.WhenAll(load);
                output.WriteLine($"kill {kill}: SIGKILL after {before} acknowledged changes so far");

                var port = host.IdentityPort;
                await host.DisposeAsync();
                var clock = Stopwatch.StartNew();
                host = await DevHostProcess.StartAsync(data, TimeSpan.FromSeconds(90), port, Environment);
                output.WriteLine($"kill {kill}: restarted on the same data, ready after {clock.Elapsed.TotalSeconds:F1} s");
            }

            var waited = Stopwatch.StartNew();
            int? awaiting;
            while ((awaiting = await AwaitingReceiptsAsync(host)) is not 0 && waited.Elapsed < ReceiptsWithin)
            {
                await Task.Delay(500);
            }
            output.WriteLine($"{acknowledged.Count} acknowledged changes; {awaiting} without a receipt {waited.Elapsed.TotalSeconds:F1} s after the last restart");
            Assert.True(awaiting == 0, $"{awaiting} consent changes still await a receipt after {ReceiptsWithin}:\n{host.OutputTail()}");

            await AssertReceiptsAndNoDuplicatesAsync(host, token, acknowledged.Keys.ToList());
        }
        finally
        {
            await host.DisposeAsync();
            try
            {
                Directory.Delete(data, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>Grants a consent, then revokes it, again and again; records every change the API acknowledged.</summary>
    private static async Task LoadAsync(DevHostProcess host, string token, string grantee,
        ConcurrentDictionary<(Guid, int), byte> acknowledged, CancellationToken stop)
    {
        using var http = Client(host.ConsentPort, token);
        while (!stop.IsCancellationRequested)
        {
            try
            {
                using var granted = await http.PostAsJsonAsync("/consents", new
                {
                    grantee = new { kind = "practitioner", id = grantee },
                    categories = new[] { "observation" },
                    purposes = new[] { "TREAT" },
                }, stop);
                if (granted.StatusCode != HttpStatusCode.Created)
                {
                    continue;
                }
                var consent = await granted.Content.ReadFromJsonAsync<JsonElement>(stop);
                var id = Guid.Parse(consent.GetProperty("id").GetString()!);
                acknowledged[(id, consent.GetProperty("version").GetInt32())] = 0;

                using var revoked = await http.PostAsJsonAsync($"/consents/{id}/revoke", new { }, stop);
                if (revoked.IsSuccessStatusCode)
                {
                    var after = await revoked.Content.ReadFromJsonAsync<JsonElement>(stop);
                    acknowledged[(id, after.GetProperty("version").GetInt32())] = 0;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or IOException)
            {
                return; // the host is gone (killed): whatever was not answered is not acknowledged
            }
        }
    }

    /// <summary>The receipt backlog from the readiness detail; null when the host did not answer in time (a busy machine).</summary>
    private static async Task<int?> AwaitingReceiptsAsync(DevHostProcess host)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(15) };
        try
        {
            // Read the body whatever the status: readiness may be 503 for another check while receipts catch up.
            using var response = await http.GetAsync(new Uri($"http://localhost:{host.ConsentPort}/health/ready"));
            var ready = await response.Content.ReadFromJsonAsync<JsonElement>();
            var description = ready.GetProperty("checks").GetProperty("receipts").GetProperty("description").GetString()!;
            return int.Parse(description.Split(' ')[0], CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException)
        {
            return null;
        }
    }

    private async Task AssertReceiptsAndNoDuplicatesAsync(DevHostProcess host, string token, IReadOnlyList<(Guid Consent, int Version)> acknowledged)
    {
        using var consent = Client(host.ConsentPort, token);
        using var ledger = Client(host.LedgerPort, null);
        var keys = (await ledger.GetFromJsonAsync<JsonElement>("/replicas/keys")).GetProperty("keys").Deserialize<List<ReplicaKey>>(JsonSerializerOptions.Web)!;
        var missing = new List<string>();
        foreach (var group in acknowledged.GroupBy(a => a.Consent))
        {
            var view = await consent.GetFromJsonAsync<JsonElement>($"/consents/{group.Key}");
            var history = view.GetProperty("history").EnumerateArray().ToDictionary(v => v.GetProperty("version").GetInt32());
            foreach (var (_, version) in group)
            {
                if (!history.TryGetValue(version, out var row) || row.GetProperty("receipt").ValueKind != JsonValueKind.Object)
                {
                    missing.Add($"{group.Key} v{version}");
                    continue;
                }
                var result = ReceiptVerifier.Verify(row.GetProperty("receipt").Deserialize<Receipt>(JsonSerializerOptions.Web)!, keys);
                Assert.True(result.IsValid, $"{group.Key} v{version}: {result.Reason}");
            }
        }
        Assert.True(missing.Count == 0, $"{missing.Count} of {acknowledged.Count} acknowledged changes have no receipt: {string.Join(", ", missing.Take(20))}");

        // Nothing twice: no consent version is on the ledger more than once (entries are for auditors).
        using var auditor = Client(host.LedgerPort, await LedgerAuditor.TokenAsync(new Uri($"http://localhost:{host.IdentityPort}")));
        var size = (await ledger.GetFromJsonAsync<JsonElement>("/cluster/status")).GetProperty("treeSize").GetInt64();
        var seen = new Dictionary<(string, int), long>();
        for (long i = 0; i < size; i++)
        {
            var entry = await auditor.GetFromJsonAsync<JsonElement>($"/entries/{i}");
            var payload = Jwt.Payload(entry.GetProperty("signedEvent").GetString()!);
            if (!payload.TryGetProperty("consentId", out var consentId))
            {
                continue; // an access event
            }
            var key = (consentId.GetString()!, payload.GetProperty("consentVersion").GetInt32());
            Assert.False(seen.TryGetValue(key, out var first), $"consent {key.Item1} version {key.Item2} is on the ledger twice (leaves {first} and {i})");
            seen[key] = i;
        }
        output.WriteLine($"ledger: {size} entries, {seen.Count} consent changes, each once; all {acknowledged.Count} acknowledged changes have receipts that verify");
    }

    private static async Task<string> PatientTokenAsync(DevHostProcess host)
    {
        using var session = new FormSession(new Uri($"http://localhost:{host.IdentityPort}"));
        var flow = new CodeFlow(session);
        var pkce = Pkce.Create();
        const string redirectUri = "http://localhost:5173/callback";
        var redirect = await flow.RunAsync(CodeFlow.AuthorizeUrl("clinician-portal", redirectUri, "openid consent.manage", pkce),
            new TestAccount("patient", "patient@demo.local", "demo-patient-password", null));
        var (status, body) = await flow.RedeemCodeAsync(CodeFlow.QueryOf(redirect)["code"], "clinician-portal", redirectUri, pkce.Verifier);
        Assert.True(status == HttpStatusCode.OK, body.ToString());
        return body.GetProperty("access_token").GetString()!;
    }

    private static HttpClient Client(int port, string? token)
    {
        var http = new HttpClient { BaseAddress = new Uri($"http://localhost:{port}"), Timeout = TimeSpan.FromSeconds(30) };
        if (token is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        return http;
    }

    private static int Setting(string name, int fallback) =>
        int.TryParse(System.Environment.GetEnvironmentVariable(name), CultureInfo.InvariantCulture, out var value) && value > 0 ? value : fallback;
}
