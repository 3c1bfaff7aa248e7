using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.Identity.Testing;
using Platform.Ledger.Verification;
using Platform.Testing;
using Xunit.Abstractions;

namespace Platform.Journey.Tests.DevHost;

/// <summary>
/// Issue 25, "nothing lost on a crash": the dev host, under a steady load of consent grants and revokes and of
/// clinician reads of a record, is killed with SIGKILL and restarted on the same data folder. Every change the API
/// acknowledged, and the access event of every read it answered, must get its ledger receipt within a bounded time
/// after the restart, and no event may be on the ledger twice. The load client sends every
/// write with an Idempotency-Key and, like a real client, retries the one the kill interrupted with the same key
/// after the restart: that must take effect exactly once (docs/idempotency.md).
/// <para>
/// One kill here (about a minute); <c>tests/tools/crash-drill.sh</c> reruns it with more kills and longer load
/// (<c>CRASH_KILLS</c>, <c>CRASH_LOAD_SECONDS</c>).
/// </para>
/// </summary>
public sealed class CrashTests(ITestOutputHelper output)
{
    private static readonly TimeSpan ReceiptsWithin = TimeSpan.FromSeconds(60);
    // A restart replays the ledger's log and the services' databases: 73 s once on a 2-core machine at load average 70.
    private static readonly TimeSpan ReadyWithin = TimeSpan.FromSeconds(180);
    private const int Workers = 6;
    private const int Readers = 2;

    // The load comes from one patient; the per-subject limit (600 a minute) would refuse most of it.
    private static readonly Dictionary<string, string> Environment = new()
    {
        ["RateLimiting__per-client__PermitLimit"] = "1000000",
        // A key claimed by the killed process blocks its retry until the claim's lease ends: short here.
        ["Idempotency__InFlightLease"] = "00:00:03",
        // The drill's many restarts outlast the default 5-minute access tokens the load signed in with once.
        ["Identity__AccessTokenLifetime"] = "01:00:00",
    };

    [Fact]
    public async Task Every_acknowledged_consent_change_and_record_read_gets_its_receipt_after_a_SIGKILL_and_nothing_is_on_the_ledger_twice()
    {
        var kills = Setting("CRASH_KILLS", 1);
        var loadSeconds = Setting("CRASH_LOAD_SECONDS", 4);
        var data = Directory.CreateTempSubdirectory("crash-").FullName;
        var acknowledged = new ConcurrentDictionary<(Guid Consent, int Version), byte>();
        var interrupted = new ConcurrentBag<InterruptedWrite>();
        var host = await DevHostProcess.StartAsync(data, ReadyWithin, environment: Environment);
        try
        {
            var token = await PatientTokenAsync(host);
            var reads = await ClinicianReads.SetUpAsync(host, token);
            for (var kill = 1; kill <= kills; kill++)
            {
                using var stop = new CancellationTokenSource();
                var load = Enumerable.Range(0, Workers).Select(w => LoadAsync(host, token, $"crash-{kill}-{w}", acknowledged, interrupted, stop.Token))
                    .Concat(Enumerable.Range(0, Readers).Select(_ => reads.LoadAsync(host, stop.Token))).ToArray();
                // Kill at a different moment each time, always with requests in flight, and only once this round has
                // had both kinds of work acknowledged (a busy machine may take a while for the first).
                var (changesAtStart, readsAtStart) = (acknowledged.Count, reads.Acknowledged);
                await Eventually.TrueAsync(() => acknowledged.Count > changesAtStart && reads.Acknowledged > readsAtStart,
                    "a change and a read are acknowledged before the kill", TimeSpan.FromSeconds(90));
                await Task.Delay(TimeSpan.FromSeconds(loadSeconds * (0.5 + (Random.Shared.NextDouble() / 2))));
                var before = acknowledged.Count;
                var readsBefore = reads.Acknowledged;
                await host.KillAsync();
                await stop.CancelAsync();
                await Task.WhenAll(load);
                output.WriteLine($"kill {kill}: SIGKILL after {before} acknowledged changes and {readsBefore} acknowledged reads so far");

                var port = host.IdentityPort;
                await host.DisposeAsync();
                var clock = Stopwatch.StartNew();
                host = await DevHostProcess.StartAsync(data, ReadyWithin, port, Environment);
                output.WriteLine($"kill {kill}: restarted on the same data, ready after {clock.Elapsed.TotalSeconds:F1} s; " +
                    $"{host.Output.Split('\n').Count(l => l.Contains("appended again from its journal", StringComparison.Ordinal))} replicas restored acknowledged entries from their journals");
                var retried = await RetryInterruptedAsync(host, token, interrupted, acknowledged);
                output.WriteLine($"kill {kill}: {retried} interrupted writes retried with their Idempotency-Key");
            }

            var waited = Stopwatch.StartNew();
            int? awaiting;
            while ((awaiting = await AwaitingReceiptsAsync(host.ConsentPort)) is not 0 && waited.Elapsed < ReceiptsWithin)
            {
                await Task.Delay(500);
            }
            output.WriteLine($"{acknowledged.Count} acknowledged changes; {awaiting} without a receipt {waited.Elapsed.TotalSeconds:F1} s after the last restart");
            Assert.True(awaiting == 0, $"{awaiting} consent changes still await a receipt after {ReceiptsWithin}:\n{host.OutputTail()}");
            int? accesses;
            while ((accesses = await AwaitingReceiptsAsync(host.RecordVaultPort)) is not 0 && waited.Elapsed < ReceiptsWithin)
            {
                await Task.Delay(500);
            }
            output.WriteLine($"{reads.Acknowledged} acknowledged reads; {accesses} access events without a receipt {waited.Elapsed.TotalSeconds:F1} s after the last restart");
            Assert.True(accesses == 0, $"{accesses} access events still await a receipt after {ReceiptsWithin}:\n{host.OutputTail()}");

            await AssertReceiptsAndNoDuplicatesAsync(host, token, acknowledged.Keys.ToList());
            output.WriteLine(await reads.AssertEveryReadHasItsReceiptAsync(host));
            await AssertEachGrantOnceAsync(host, token);
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

    /// <summary>A write the kill interrupted: the client does not know whether it took effect, so it retries it as it was.</summary>
    private sealed record InterruptedWrite(string Path, object Body, string Key);

    /// <summary>
    /// Grants a consent (each to a grantee of its own, so a duplicate would show), then revokes it, again and again,
    /// each write with a fresh Idempotency-Key; records every change the API acknowledged, and the write in flight
    /// when the host died.
    /// </summary>
    private static async Task LoadAsync(DevHostProcess host, string token, string grantee,
        ConcurrentDictionary<(Guid, int), byte> acknowledged, ConcurrentBag<InterruptedWrite> interrupted, CancellationToken stop)
    {
        using var http = Client(host.ConsentPort, token);
        for (var n = 0; !stop.IsCancellationRequested; n++)
        {
            var write = new InterruptedWrite("/consents", new
            {
                grantee = new { kind = "practitioner", id = $"{grantee}-{n}" },
                categories = new[] { "observation" },
                purposes = new[] { "TREAT" },
            }, Guid.NewGuid().ToString());
            try
            {
                using var granted = await SendAsync(http, write, stop);
                if (granted.StatusCode != HttpStatusCode.Created)
                {
                    continue;
                }
                var consent = await granted.Content.ReadFromJsonAsync<JsonElement>(stop);
                var id = Guid.Parse(consent.GetProperty("id").GetString()!);
                acknowledged[(id, consent.GetProperty("version").GetInt32())] = 0;

                write = new InterruptedWrite($"/consents/{id}/revoke", new { }, Guid.NewGuid().ToString());
                using var revoked = await SendAsync(http, write, stop);
                if (revoked.IsSuccessStatusCode)
                {
                    var after = await revoked.Content.ReadFromJsonAsync<JsonElement>(stop);
                    acknowledged[(id, after.GetProperty("version").GetInt32())] = 0;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or IOException)
            {
                // The host is gone (killed): whatever was not answered is not acknowledged, and is retried later.
                interrupted.Add(write);
                return;
            }
        }
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient http, InterruptedWrite write, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, write.Path) { Content = JsonContent.Create(write.Body) };
        request.Headers.TryAddWithoutValidation("Idempotency-Key", $"\"{write.Key}\"");
        return await http.SendAsync(request, cancellationToken);
    }

    /// <summary>
    /// Retries each interrupted write with its key until it is answered: the first answer if it had taken effect,
    /// otherwise it runs now (a claim left by the killed process answers 409 until its lease ends).
    /// </summary>
    private static async Task<int> RetryInterruptedAsync(DevHostProcess host, string token, ConcurrentBag<InterruptedWrite> interrupted,
        ConcurrentDictionary<(Guid, int), byte> acknowledged)
    {
        using var http = Client(host.ConsentPort, token);
        var count = 0;
        while (interrupted.TryTake(out var write))
        {
            count++;
            var deadline = Stopwatch.StartNew();
            while (true)
            {
                using var response = await SendAsync(http, write, CancellationToken.None);
                if (response.StatusCode == HttpStatusCode.Conflict && deadline.Elapsed < TimeSpan.FromSeconds(30))
                {
                    await Task.Delay(TimeSpan.FromSeconds(1));
                    continue;
                }
                var text = await response.Content.ReadAsStringAsync();
                Assert.True(response.IsSuccessStatusCode, $"retry of {write.Path} with its key: {(int)response.StatusCode} {text}");
                var consent = JsonDocument.Parse(text).RootElement;
                acknowledged[(Guid.Parse(consent.GetProperty("id").GetString()!), consent.GetProperty("version").GetInt32())] = 0;
                break;
            }
        }
        return count;
    }

    /// <summary>Every grant went to a grantee of its own: a grant that took effect twice would show as two consents for one.</summary>
    private async Task AssertEachGrantOnceAsync(DevHostProcess host, string token)
    {
        using var consent = Client(host.ConsentPort, token);
        var all = await consent.GetFromJsonAsync<JsonElement>("/consents");
        var twice = all.EnumerateArray().GroupBy(c => c.GetProperty("grantee").GetProperty("id").GetString()).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(twice.Count == 0, $"granted more than once: {string.Join(", ", twice.Take(20))}");
        output.WriteLine($"{all.GetArrayLength()} consents, each grant once");
    }

    /// <summary>A service's receipt backlog from its readiness detail; null when it did not answer in time (a busy machine).</summary>
    private static async Task<int?> AwaitingReceiptsAsync(int port)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(15) };
        try
        {
            // Read the body whatever the status: readiness may be 503 for another check while receipts catch up.
            using var response = await http.GetAsync(new Uri($"http://localhost:{port}/health/ready"));
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
        var events = new Dictionary<string, long>(StringComparer.Ordinal);
        for (long i = 0; i < size; i++)
        {
            var entry = await auditor.GetFromJsonAsync<JsonElement>($"/entries/{i}");
            var payload = Jwt.Payload(entry.GetProperty("signedEvent").GetString()!);
            if (payload.TryGetProperty("eventId", out var eventId))
            {
                // Consent changes and access events alike: a signed event is committed once, whatever was redelivered.
                Assert.False(events.TryGetValue(eventId.GetString()!, out var earlier), $"event {eventId} is on the ledger twice (leaves {earlier} and {i})");
                events[eventId.GetString()!] = i;
            }
            if (!payload.TryGetProperty("consentId", out var consentId))
            {
                continue; // an access event
            }
            var key = (consentId.GetString()!, payload.GetProperty("consentVersion").GetInt32());
            Assert.False(seen.TryGetValue(key, out var first), $"consent {key.Item1} version {key.Item2} is on the ledger twice (leaves {first} and {i})");
            seen[key] = i;
        }
        output.WriteLine($"ledger: {size} entries ({events.Count} signed events, each once), {seen.Count} consent changes, each once; all {acknowledged.Count} acknowledged changes have receipts that verify");
    }

    private static Task<string> PatientTokenAsync(DevHostProcess host) =>
        DemoSignIn.TokenAsync(host, new TestAccount("patient", "patient@demo.local", "demo-patient-password", null), "openid consent.manage records");

    private static HttpClient Client(int port, string? token) => DemoSignIn.Client(port, token);

    private static int Setting(string name, int fallback) =>
        int.TryParse(System.Environment.GetEnvironmentVariable(name), CultureInfo.InvariantCulture, out var value) && value > 0 ? value : fallback;
}
