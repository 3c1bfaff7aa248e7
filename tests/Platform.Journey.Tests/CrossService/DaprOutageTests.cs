using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Platform.Consent.Data;
using Platform.Journey.Tests.Dapr;
using Platform.Ledger.Verification;
using Platform.Messaging.Outbox;
using Platform.RecordVault.Data;
using Platform.Testing;

namespace Platform.Journey.Tests.CrossService;

/// <summary>
/// The ledger goes away in the middle of the journey, then the broker refuses publishes too: consents and reads
/// go on, events wait (in the ledger's consumer group, then in the publishers' outboxes), and once both are back
/// every pending event is committed exactly once and its receipt reaches the consent history and the access log.
/// </summary>
[Collection(CrossServiceCollection.Name)]
public sealed class DaprOutageTests(CrossServicePlatform platform)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(45);

    private DaprHarness Dapr => platform.Dapr;

    [Fact]
    public async Task With_the_ledger_down_and_then_the_broker_refusing_the_platform_keeps_working_and_catches_up_exactly_once()
    {
        var patient = await platform.NewPatientAsync();
        var clinician = await platform.NewClinicianAsync();
        var (patientToken, _) = await platform.SignInAsPatientAsync(patient, "openid consent.manage records");
        var (clinicianToken, _) = await platform.SignInAsync(clinician, "openid records");
        var (_, record, _) = await platform.CallAsync("record-vault", HttpMethod.Post, $"/patients/{patient.Id}/records", patientToken, CrossServicePlatform.Observation("outage"));
        var recordId = record.GetProperty("id").GetString()!;
        var first = await GrantAsync(patientToken, clinician.Id, "observation");
        await AwaitAsync(async () => (await HistoryAsync(patientToken, first)).All(HasReceipt), "the first consent is committed before the outage");

        try
        {
            // Phase 1: the ledger stops. Consents and reads work; their events wait in the ledger's consumer group.
            await platform.StopAsync("ledger");
            var second = await GrantAsync(patientToken, clinician.Id, "condition");
            Assert.Equal(HttpStatusCode.OK, (await platform.CallAsync("record-vault", HttpMethod.Get, $"/records/{recordId}", clinicianToken)).Status);
            await Eventually.TrueAsync(() =>
                    Dapr.Publishes.Any(p => p.Accepted && p.Topic == "consent.changed.v1" && p.CloudEvent!["data"]!["consentId"]!.GetValue<string>() == second) &&
                    Dapr.PendingFor("ledger", "consent.changed.v1") >= 1 && Dapr.PendingFor("ledger", "access.recorded.v1") >= 1,
                "the new events wait in the ledger's consumer groups", Wait);
            var waitingChange = Dapr.Publishes.Single(p => p.Accepted && p.Topic == "consent.changed.v1" && p.CloudEvent!["data"]!["consentId"]!.GetValue<string>() == second);
            Assert.DoesNotContain(Dapr.Deliveries, d => d.AppId == "ledger" && d.EventId == waitingChange.EventId);
            Assert.Equal(JsonValueKind.Null, (await HistoryAsync(patientToken, second)).Single().GetProperty("receipt").ValueKind);

            // Phase 2: the broker refuses publishes as well. Changes and reads still work; their events stay in the outboxes.
            Dapr.RefusePublishes = true;
            var (revoked, _, _) = await platform.CallAsync("consent", HttpMethod.Post, $"/consents/{first}/revoke", patientToken, CrossServicePlatform.Json(new { }));
            Assert.Equal(HttpStatusCode.OK, revoked);
            var (refused, problem, _) = await platform.CallAsync("record-vault", HttpMethod.Get, $"/records/{recordId}", clinicianToken);
            Assert.Equal(HttpStatusCode.NotFound, refused);
            Assert.Equal("not_found", problem.GetProperty("code").GetString());
            Assert.Equal(HttpStatusCode.OK, (await platform.CallAsync("record-vault", HttpMethod.Get, $"/records/{recordId}", patientToken)).Status);

            await Eventually.TrueAsync(async () =>
                    (await PendingOutboxAsync<ConsentDbContext>("consent")).Any(m => m.Topic == "consent.changed.v1" && m.Attempts >= 1) &&
                    (await PendingOutboxAsync<RecordVaultDbContext>("record-vault")).Any(m => m.Topic == "access.recorded.v1" && m.Attempts >= 1),
                "the refused events wait, retried, in the consent and vault outboxes", Wait);
            var consentPending = await PendingOutboxAsync<ConsentDbContext>("consent");
            var vaultPending = await PendingOutboxAsync<RecordVaultDbContext>("record-vault");
            // The relay keeps order: the first refused row is retried, later rows wait behind it.
            Assert.All(consentPending.Concat(vaultPending).Where(m => m.Attempts > 0), m => Assert.Equal("HttpRequestException", m.LastError));
            Assert.Contains(Dapr.Publishes, p => p.Status == 500 && p.ErrorCode == "ERR_PUBSUB_PUBLISH_MESSAGE" && p.AppId == "consent");
            Assert.Contains(Dapr.Publishes, p => p.Status == 500 && p.AppId == "record-vault");
            var outboxEventIds = consentPending.Concat(vaultPending).Select(m => m.EventId.ToString()).ToList();
            Assert.DoesNotContain(Dapr.Publishes, p => p.Accepted && outboxEventIds.Contains(p.EventId!));
        }
        finally
        {
            // Phase 3: publishing and the ledger come back (same port, same data).
            Dapr.RefusePublishes = false;
            if (!platform.IsRunning("ledger"))
            {
                await platform.StartAsync("ledger");
            }
        }
        await platform.WaitForLedgerLeaderAsync();

        await AwaitAsync(async () => (await PendingOutboxAsync<ConsentDbContext>("consent")).Count == 0 &&
                                     (await PendingOutboxAsync<RecordVaultDbContext>("record-vault")).Count == 0,
            "both outboxes are drained");
        await Eventually.TrueAsync(() => Dapr.PendingFor("ledger") == 0, "the ledger's consumer groups are drained", Wait);

        // Every version of both consents and every access-log entry has a receipt that verifies.
        var (_, consents, _) = await platform.CallAsync("consent", HttpMethod.Get, "/consents", patientToken);
        var consentIds = consents.EnumerateArray().Select(c => c.GetProperty("id").GetString()!).ToList();
        Assert.Equal(2, consentIds.Count);
        var versions = new List<JsonElement>();
        foreach (var id in consentIds)
        {
            await AwaitAsync(async () => (await HistoryAsync(patientToken, id)).All(HasReceipt), $"consent {id} has every receipt");
            versions.AddRange(await HistoryAsync(patientToken, id));
        }
        Assert.Equal(3, versions.Count); // grant + revoke of the first, grant of the second
        List<JsonElement> log = [];
        await AwaitAsync(async () =>
        {
            var (_, body, _) = await platform.CallAsync("record-vault", HttpMethod.Get, $"/patients/{patient.Id}/access-log", patientToken);
            log = [.. body.EnumerateArray()];
            return log.Count >= 4 && log.All(HasReceipt);
        }, "every access-log entry has its receipt");
        Assert.Contains(log, e => e.GetProperty("outcome").GetString() == "deny" && e.GetProperty("actor").GetString() == clinician.Id);

        var keys = await platform.LedgerKeysAsync();
        foreach (var item in versions.Concat(log))
        {
            var receipt = item.GetProperty("receipt").Deserialize<Receipt>(JsonSerializerOptions.Web)!;
            var result = ReceiptVerifier.Verify(receipt, keys);
            Assert.True(result.IsValid, result.Reason);
        }

        // Exactly once: each event id is in the ledger's log once, whatever the redeliveries.
        var entries = await platform.LedgerEntriesAsync();
        var counts = entries.Where(e => e.EventId is not null).GroupBy(e => e.EventId!.Value).ToDictionary(g => g.Key, g => g.Count());
        Assert.All(counts, c => Assert.True(c.Value == 1, $"event {c.Key} is in the log {c.Value} times"));
        foreach (var eventId in versions.Concat(log).Select(e => e.GetProperty("eventId").GetGuid()))
        {
            Assert.True(counts.GetValueOrDefault(eventId) == 1, $"event {eventId} should be committed exactly once, found {counts.GetValueOrDefault(eventId)}");
        }
        // The receipts name the leaf where the ledger holds the event.
        foreach (var item in versions.Concat(log))
        {
            Assert.Equal(item.GetProperty("eventId").GetGuid(), entries[(int)item.GetProperty("leafIndex").GetInt64()].EventId);
        }
    }

    private async Task<string> GrantAsync(string patientToken, string clinicianId, string category)
    {
        var (status, consent, _) = await platform.CallAsync("consent", HttpMethod.Post, "/consents", patientToken, CrossServicePlatform.Json(new
        {
            grantee = new { kind = "practitioner", id = clinicianId },
            categories = new[] { category },
            purposes = new[] { "TREAT" },
            validUntil = DateTimeOffset.UtcNow.AddHours(1),
        }));
        Assert.True(status == HttpStatusCode.Created, consent.ToString());
        return consent.GetProperty("id").GetString()!;
    }

    private async Task<List<JsonElement>> HistoryAsync(string patientToken, string consentId)
    {
        var (_, consent, _) = await platform.CallAsync("consent", HttpMethod.Get, $"/consents/{consentId}", patientToken);
        return [.. consent.GetProperty("history").EnumerateArray()];
    }

    private static bool HasReceipt(JsonElement item) => item.GetProperty("receipt").ValueKind == JsonValueKind.Object;

    private static Task AwaitAsync(Func<Task<bool>> condition, string what) => Eventually.TrueAsync(condition, what, Wait);

    private async Task<List<OutboxMessage>> PendingOutboxAsync<TContext>(string appId) where TContext : DbContext
    {
        await using var scope = platform.ServicesOf(appId).CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<TContext>().Set<OutboxMessage>().AsNoTracking()
            .Where(m => m.SentAtUtc == null).ToListAsync();
    }
}
