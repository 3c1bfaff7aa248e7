using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Platform.Journey.Tests.Dapr;
using Platform.Ledger.Verification;
using Platform.Testing;
using Xunit.Abstractions;

namespace Platform.Journey.Tests.CrossService;

/// <summary>
/// Issue 25 through the Dapr contract: consent grants and revokes and clinician reads go on while the ledger's
/// process is killed with SIGKILL, with events in flight to it through its sidecar. The sidecar goes on delivering
/// to the dead process, retries and dead-letters (as daprd does), the ledger restarts on the same data, and then
/// every acknowledged change and every acknowledged read's access event must hold a receipt that verifies, and each
/// signed event must be on the ledger exactly once. <c>tests/tools/crash-drill.sh dapr</c> repeats it with more kills.
/// </summary>
[Collection(LedgerProcessCollection.Name)]
public sealed class DaprLedgerCrashTests(LedgerProcessPlatform platform, ITestOutputHelper output)
{
    // Bounded, with room for a 2-core CI machine running other builds (the ledger alone took 46 s to lead again there).
    private static readonly TimeSpan ReceiptsWithin = TimeSpan.FromSeconds(90);
    private const int Writers = 3;

    private DaprHarness Dapr => platform.Dapr;

    [Fact]
    public async Task Every_acknowledged_change_and_read_gets_its_receipt_after_the_ledger_process_is_SIGKILLed_and_nothing_is_committed_twice()
    {
        var kills = Setting("CRASH_KILLS", 1);
        var loadSeconds = Setting("CRASH_LOAD_SECONDS", 3);
        var patient = await platform.NewPatientAsync();
        var clinician = await platform.NewClinicianAsync();
        var (patientToken, _) = await platform.SignInAsPatientAsync(patient, "openid consent.manage records");
        var (clinicianToken, _) = await platform.SignInAsync(clinician, "openid records");
        var (_, record, _) = await platform.CallAsync("record-vault", HttpMethod.Post, $"/patients/{patient.Id}/records", patientToken, CrossServicePlatform.Observation("crash"));
        var recordId = record.GetProperty("id").GetString()!;
        var (granted, _, _) = await platform.CallAsync("consent", HttpMethod.Post, "/consents", patientToken, CrossServicePlatform.Json(new
        {
            grantee = new { kind = "practitioner", id = clinician.Id },
            categories = new[] { "observation" },
            purposes = new[] { "TREAT" },
        }));
        Assert.Equal(HttpStatusCode.Created, granted);

        var changes = new ConcurrentDictionary<(string Consent, int Version), byte>();
        var reads = 0;
        for (var kill = 1; kill <= kills; kill++)
        {
            using var stop = new CancellationTokenSource();
            var load = Enumerable.Range(0, Writers).Select(w => WriteAsync(patientToken, $"crash-{kill}-{w}", changes, stop.Token))
                .Append(ReadAsync(clinicianToken, recordId, () => Interlocked.Increment(ref reads), stop.Token)).ToArray();
            // Kill only once this round has had both kinds of work acknowledged (a busy machine may take a while).
            var (changesAtStart, readsAtStart) = (changes.Count, Volatile.Read(ref reads));
            await Eventually.TrueAsync(() => changes.Count > changesAtStart && Volatile.Read(ref reads) > readsAtStart,
                "a change and a read are acknowledged before the kill", TimeSpan.FromSeconds(60));
            await Task.Delay(TimeSpan.FromSeconds(loadSeconds * (0.5 + (Random.Shared.NextDouble() / 2))));
            var refusedBefore = RefusedLedgerDeliveries();
            await platform.KillAsync("ledger");
            output.WriteLine($"kill {kill}: SIGKILL of the ledger process after {changes.Count} acknowledged changes, {reads} acknowledged reads");

            // The load goes on against a dead ledger: its sidecar keeps delivering, sees refused connections.
            await Eventually.TrueAsync(() => RefusedLedgerDeliveries() > refusedBefore, "the sidecar delivers to the dead ledger and is refused", TimeSpan.FromSeconds(20));
            await Task.Delay(TimeSpan.FromSeconds(1));
            await stop.CancelAsync();
            await Task.WhenAll(load);
            var clock = Stopwatch.StartNew();
            await platform.StartAsync("ledger");
            await platform.WaitForLedgerLeaderAsync();
            output.WriteLine($"kill {kill}: ledger restarted on the same data, leading after {clock.Elapsed.TotalSeconds:F1} s; "
                             + $"{Dapr.Outcomes.Count(o => o.AppId == "ledger" && o.Outcome == MessageOutcome.DeadLettered)} deliveries to the ledger dead-lettered so far");
        }

        // Every acknowledged change and every access-log entry gets its receipt (the redeliveries, then reconciliation).
        var waited = Stopwatch.StartNew();
        var missing = new List<string>();
        List<JsonElement> versions = [];
        List<JsonElement> log = [];
        while (true)
        {
            versions = await VersionsAsync(patientToken, changes.Keys.Select(k => k.Consent).Distinct());
            var (_, body, _) = await platform.CallAsync("record-vault", HttpMethod.Get, $"/patients/{patient.Id}/access-log", patientToken);
            log = [.. body.EnumerateArray()];
            missing = [.. changes.Keys.Where(k => !versions.Any(v => v.GetProperty("consentId").GetString() == k.Consent && v.GetProperty("version").GetInt32() == k.Version && HasReceipt(v)))
                    .Select(k => $"consent {k.Consent} v{k.Version}"),
                .. log.Where(e => !HasReceipt(e)).Select(e => $"access event {e.GetProperty("eventId").GetString()}")];
            if (missing.Count == 0 || waited.Elapsed > ReceiptsWithin)
            {
                break;
            }
            await Task.Delay(500);
        }
        output.WriteLine($"{changes.Count} acknowledged changes, {reads} acknowledged reads; {missing.Count} without a receipt {waited.Elapsed.TotalSeconds:F1} s after the last restart");
        Assert.True(missing.Count == 0, $"{missing.Count} acknowledged events have no receipt after {ReceiptsWithin}: {string.Join(", ", missing.Take(20))}\n{platform.OutputTail("ledger")}");
        var clinicianReads = log.Count(e => e.GetProperty("actor").GetString() == clinician.Id && e.GetProperty("outcome").GetString() == "permit");
        Assert.True(clinicianReads >= reads, $"{reads} reads were acknowledged but the access log holds {clinicianReads}");

        var keys = await platform.LedgerKeysAsync();
        var acknowledgedEvents = versions.Where(v => changes.ContainsKey((v.GetProperty("consentId").GetString()!, v.GetProperty("version").GetInt32()))).Concat(log).ToList();
        foreach (var item in acknowledgedEvents)
        {
            var result = ReceiptVerifier.Verify(item.GetProperty("receipt").Deserialize<Receipt>(JsonSerializerOptions.Web)!, keys);
            Assert.True(result.IsValid, $"event {item.GetProperty("eventId")}: {result.Reason}");
        }

        // Nothing twice: each signed event is one leaf, and the receipt names that leaf.
        var entries = await platform.LedgerEntriesAsync();
        var counts = entries.Where(e => e.EventId is not null).GroupBy(e => e.EventId!.Value).ToDictionary(g => g.Key, g => g.Count());
        Assert.All(counts, c => Assert.True(c.Value == 1, $"event {c.Key} is on the ledger {c.Value} times"));
        foreach (var item in acknowledgedEvents)
        {
            Assert.Equal(item.GetProperty("eventId").GetGuid(), entries[(int)item.GetProperty("leafIndex").GetInt64()].EventId);
        }
        output.WriteLine($"ledger: {entries.Count} entries, each event once; {acknowledgedEvents.Count} acknowledged events with receipts that verify; "
                         + $"{Dapr.Outcomes.Count(o => o.AppId == "ledger" && o.Outcome == MessageOutcome.DeadLettered)} deliveries to the ledger were dead-lettered on the way");
    }

    /// <summary>Deliveries to the ledger that found no process listening (status 0: connection refused or reset).</summary>
    private int RefusedLedgerDeliveries() => Dapr.Deliveries.Count(d => d.AppId == "ledger" && d.HttpStatus == 0);

    /// <summary>Grants a consent (a grantee of its own each time) and revokes it, again and again; records what was acknowledged.</summary>
    private async Task WriteAsync(string patientToken, string grantee, ConcurrentDictionary<(string, int), byte> acknowledged, CancellationToken stop)
    {
        using var consent = platform.Client("consent", patientToken);
        for (var n = 0; !stop.IsCancellationRequested; n++)
        {
            try
            {
                using var granted = await consent.PostAsync("/consents", CrossServicePlatform.Json(new
                {
                    grantee = new { kind = "practitioner", id = $"{grantee}-{n}" },
                    categories = new[] { "observation" },
                    purposes = new[] { "TREAT" },
                }), stop);
                Assert.Equal(HttpStatusCode.Created, granted.StatusCode);
                var created = JsonDocument.Parse(await granted.Content.ReadAsStringAsync(stop)).RootElement;
                var id = created.GetProperty("id").GetString()!;
                acknowledged[(id, created.GetProperty("version").GetInt32())] = 0;
                using var revoked = await consent.PostAsync($"/consents/{id}/revoke", CrossServicePlatform.Json(new { }), stop);
                Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
                acknowledged[(id, JsonDocument.Parse(await revoked.Content.ReadAsStringAsync(stop)).RootElement.GetProperty("version").GetInt32())] = 0;
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return; // an unanswered write is not acknowledged
            }
        }
    }

    private async Task ReadAsync(string clinicianToken, string recordId, Action acknowledged, CancellationToken stop)
    {
        using var vault = platform.Client("record-vault", clinicianToken);
        while (!stop.IsCancellationRequested)
        {
            try
            {
                using var read = await vault.GetAsync($"/records/{recordId}", stop);
                Assert.Equal(HttpStatusCode.OK, read.StatusCode);
                acknowledged();
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
        }
    }

    /// <summary>Every version of the given consents, each with its consent id.</summary>
    private async Task<List<JsonElement>> VersionsAsync(string patientToken, IEnumerable<string> consentIds)
    {
        var versions = new List<JsonElement>();
        foreach (var id in consentIds)
        {
            var (_, consent, _) = await platform.CallAsync("consent", HttpMethod.Get, $"/consents/{id}", patientToken);
            foreach (var version in consent.GetProperty("history").EnumerateArray())
            {
                var node = System.Text.Json.Nodes.JsonNode.Parse(version.GetRawText())!.AsObject();
                node["consentId"] = id;
                versions.Add(JsonDocument.Parse(node.ToJsonString()).RootElement.Clone());
            }
        }
        return versions;
    }

    private static bool HasReceipt(JsonElement item) => item.TryGetProperty("receipt", out var receipt) && receipt.ValueKind == JsonValueKind.Object;

    private static int Setting(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), System.Globalization.CultureInfo.InvariantCulture, out var value) && value > 0 ? value : fallback;
}
