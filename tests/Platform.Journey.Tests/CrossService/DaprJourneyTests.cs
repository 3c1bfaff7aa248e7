using System.Net;
using System.Text.Json;
using Platform.Identity.Testing;
using Platform.Journey.Tests.Dapr;
using Platform.Ledger.Verification;
using Platform.Testing;

namespace Platform.Journey.Tests.CrossService;

/// <summary>
/// The whole story across four separately hosted services whose only links are the harness's sidecars: pub/sub
/// for events, service invocation for the consent decision.
/// </summary>
[Collection(CrossServiceCollection.Name)]
public sealed class DaprJourneyTests(CrossServicePlatform platform)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(40);

    private DaprHarness Dapr => platform.Dapr;

    [Fact]
    public async Task A_patient_is_verified_grants_consent_a_clinician_writes_and_reads_and_revocation_closes_access_all_over_dapr()
    {
        // 1. A person with a fresh account passes KYC (automatic approval) -> identity.verified as a CloudEvent.
        var patient = await platform.NewPatientAsync();
        var (patientToken, _) = await platform.SignInAsPatientAsync(patient, "openid kyc consent.manage records");
        var kyc = await platform.PassKycAsync(patientToken, "MAREN", "JOURNEY");
        Assert.True(kyc.GetProperty("state").GetString() == "Approved", kyc.ToString());
        var caseId = kyc.GetProperty("id").GetString()!;

        DeliveryRecord verified = null!;
        await Eventually.TrueAsync(() =>
        {
            verified = Dapr.Deliveries.FirstOrDefault(d => d.Topic == "identity.verified.v1" && d.CloudEvent["data"]?["caseId"]?.GetValue<string>() == caseId)!;
            return verified is not null;
        }, "identity.verified reached the observer's consumer group", Wait);
        Assert.Equal(DeliveryVerdict.Success, verified.Verdict);
        CloudEventAssert.PublishedByService(verified.CloudEvent, "identity", "identity.verified.v1");
        Assert.Equal("approved", verified.CloudEvent["data"]!["outcome"]!.GetValue<string>());
        Assert.Contains(Dapr.Publishes, p => p.AppId == "identity" && p.Accepted && p.EventId == verified.EventId);

        // 2. The demo clinician signs in: code + PKCE, password and TOTP; the id token says so.
        var (clinicianToken, clinicianIdToken) = await platform.SignInAsync(platform.DemoClinician, "openid profile roles records");
        var clinicianClaims = Jwt.Payload(clinicianIdToken);
        var clinicianId = clinicianClaims.GetProperty("sub").GetString()!;
        Assert.Contains("mfa", Jwt.Strings(clinicianClaims, "amr"));

        // 3. The patient grants a time-boxed consent to read and write (access, correct) observations.
        var validUntil = DateTimeOffset.UtcNow.AddHours(2);
        var (granted, consent, _) = await platform.CallAsync("consent", HttpMethod.Post, "/consents", patientToken, CrossServicePlatform.Json(new
        {
            grantee = new { kind = "practitioner", id = clinicianId },
            categories = new[] { "observation" },
            purposes = new[] { "TREAT" },
            actions = new[] { "access", "correct" },
            validUntil,
        }));
        Assert.True(granted == HttpStatusCode.Created, consent.ToString());
        var consentId = consent.GetProperty("id").GetString()!;
        Assert.NotEqual(JsonValueKind.Null, consent.GetProperty("validUntil").ValueKind);

        // consent.changed -> ledger (its consumer group), ledger.committed -> consent: the receipt appears and verifies.
        var grantVersion = await AwaitReceiptsAsync(patientToken, consentId, versions: 1);
        var grantEventId = grantVersion[0].GetProperty("eventId").GetGuid();
        var changed = Dapr.Publishes.Single(p => p.Accepted && p.Topic == "consent.changed.v1" && p.CloudEvent!["data"]!["consentId"]!.GetValue<string>() == consentId);
        Assert.Equal("consent", changed.AppId);
        CloudEventAssert.PublishedByService(changed.CloudEvent!, "consent", "consent.changed.v1");
        Assert.Equal(grantEventId, CloudEventAssert.SignedEventId(changed.CloudEvent!));
        // The ledger wakes its receipt publisher when its handler commits, before it answers this delivery, so consent
        // may hold the receipt before the ledger's sidecar has recorded the delivery: wait for the delivery's outcome
        // (recorded after its last attempt).
        await Eventually.TrueAsync(() => Dapr.Outcomes.Any(o => o.AppId == "ledger" && o.EventId == changed.EventId),
            "the ledger's consumer group settled consent.changed", Wait);
        var toLedger = Dapr.Deliveries.Where(d => d.AppId == "ledger" && d.EventId == changed.EventId).ToList();
        Assert.Equal(DeliveryVerdict.Success, toLedger.Last().Verdict);
        Assert.Equal("SUCCESS", toLedger.Last().AppStatus);
        var committed = Dapr.Publishes.Single(p => p.Accepted && p.Topic == "ledger.committed.v1" &&
            p.CloudEvent!["data"]!["committedEventId"]!.GetValue<string>() == grantEventId.ToString());
        Assert.Equal("ledger", committed.AppId);
        CloudEventAssert.PublishedByService(committed.CloudEvent!, "ledger", "ledger.committed.v1");
        await Eventually.TrueAsync(() => Dapr.Outcomes.Any(o => o.AppId == "consent" && o.EventId == committed.EventId && o.Outcome == MessageOutcome.Delivered) &&
                                          Dapr.Outcomes.Any(o => o.AppId == "record-vault" && o.EventId == committed.EventId && o.Outcome == MessageOutcome.Delivered),
            "ledger.committed reached consent's and record-vault's consumer groups", Wait);

        // 4. The clinician writes and reads a FHIR record; each decision goes vault -> its sidecar -> consent.
        var invocationsBefore = Dapr.Invocations.Count;
        var marker = "JOURNEY-" + Guid.NewGuid().ToString("N");
        var (written, record, _) = await platform.CallAsync("record-vault", HttpMethod.Post, $"/patients/{patient.Id}/records", clinicianToken, CrossServicePlatform.Observation(marker));
        Assert.True(written == HttpStatusCode.Created, record.ToString());
        var recordId = record.GetProperty("id").GetString()!;
        using (var reader = platform.Client("record-vault", clinicianToken))
        {
            using var read = await reader.GetAsync($"/records/{recordId}");
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
            Assert.Contains(marker, await read.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        var decisions = Dapr.Invocations.Skip(invocationsBefore).ToList();
        Assert.True(decisions.Count >= 2, $"expected the write's and the read's decisions through the sidecar, saw {decisions.Count}");
        Assert.All(decisions, i =>
        {
            Assert.Equal(("record-vault", "consent", "POST", "decisions", 200), (i.Caller, i.Callee, i.Method, i.Path, i.Status));
            Assert.True(i.AuthorizationForwarded, "the vault's service token reaches consent through the sidecar");
        });

        // 5. The patient revokes; the clinician's next read is refused with problem+json, answered as for a missing
        // record (no existence oracle); the reason is in the patient's access log.
        var (revoked, _, _) = await platform.CallAsync("consent", HttpMethod.Post, $"/consents/{consentId}/revoke", patientToken, CrossServicePlatform.Json(new { }));
        Assert.Equal(HttpStatusCode.OK, revoked);
        var (refused, problem, mediaType) = await platform.CallAsync("record-vault", HttpMethod.Get, $"/records/{recordId}", clinicianToken);
        Assert.Equal(HttpStatusCode.NotFound, refused);
        Assert.Equal("application/problem+json", mediaType);
        Assert.Equal("not_found", problem.GetProperty("code").GetString());
        // The refusal is consent's answer carried back through the sidecar, not a failed invocation.
        Assert.Equal(200, Dapr.Invocations.Last(i => i.Caller == "record-vault").Status);

        // Both consent versions carry verified receipts.
        var history = await AwaitReceiptsAsync(patientToken, consentId, versions: 2);
        Assert.Equal(["grant", "revoke"], history.Select(v => v.GetProperty("action").GetString()));

        // 6. The patient's access log: the clinician's write, read and refused read, each with a receipt that verifies.
        var log = await AwaitAccessLogReceiptsAsync(patientToken, patient.Id, clinicianId, minimum: 3);
        var outcomes = log.Where(e => e.GetProperty("actor").GetString() == clinicianId)
            .Select(e => (e.GetProperty("action").GetString(), e.GetProperty("outcome").GetString())).ToList();
        Assert.Contains(("read", "permit"), outcomes);
        Assert.Contains(("read", "deny"), outcomes);
        Assert.Contains(("write", "permit"), outcomes);
        var keys = await platform.LedgerKeysAsync();
        foreach (var entry in log)
        {
            var receipt = entry.GetProperty("receipt").Deserialize<Receipt>(JsonSerializerOptions.Web)!;
            var result = ReceiptVerifier.Verify(receipt, keys);
            Assert.True(result.IsValid, result.Reason);
            Assert.Equal(entry.GetProperty("leafIndex").GetInt64(), receipt.LeafIndex);
        }
        Assert.DoesNotContain(marker, JsonSerializer.Serialize(log), StringComparison.Ordinal);

        // Every access.recorded of these entries went record-vault -> ledger as a CloudEvent.
        var logEventIds = log.Select(e => e.GetProperty("eventId").GetGuid()).ToHashSet();
        var accessEvents = Dapr.Publishes.Where(p => p.Accepted && p.Topic == "access.recorded.v1" && CloudEventAssert.SignedEventId(p.CloudEvent!) is { } id && logEventIds.Contains(id)).ToList();
        Assert.Equal(logEventIds.Count, accessEvents.Count);
        Assert.All(accessEvents, p => CloudEventAssert.PublishedByService(p.CloudEvent!, "record-vault", "access.recorded.v1"));

        // 7. Every CloudEvent of this journey, as published and as delivered, has daprd's envelope.
        var journeyEvents = new HashSet<string>(accessEvents.Select(p => p.EventId!)) { verified.EventId, changed.EventId!, committed.EventId! };
        // The consent service's outbox publishes the revocation's notice after the revoke has answered.
        await Eventually.TrueAsync(
            () => Dapr.Publishes.Any(p => p.Accepted && p.Topic == "consent.revoked.v1" && p.CloudEvent!["data"]?["consentId"]?.GetValue<string>() == consentId),
            "the consent service published consent.revoked.v1 for the journey's consent");
        foreach (var p in Dapr.Publishes.Where(p => p.Accepted && !p.DeadLetter && p.Topic.StartsWith("consent.", StringComparison.Ordinal) &&
                                                    p.CloudEvent!["data"]?["consentId"]?.GetValue<string>() == consentId))
        {
            journeyEvents.Add(p.EventId!);
            CloudEventAssert.PublishedByService(p.CloudEvent!, "consent", p.Topic);
        }
        Assert.Contains(Dapr.Publishes, p => p.Topic == "consent.granted.v1" && journeyEvents.Contains(p.EventId!));
        Assert.Contains(Dapr.Publishes, p => p.Topic == "consent.revoked.v1" && journeyEvents.Contains(p.EventId!));
        var journeyDeliveries = Dapr.Deliveries.Where(d => journeyEvents.Contains(d.EventId)).ToList();
        Assert.NotEmpty(journeyDeliveries);
        foreach (var delivery in journeyDeliveries)
        {
            CloudEventAssert.DeliveredAsPublished(Dapr, delivery);
        }
    }

    private async Task<List<JsonElement>> AwaitReceiptsAsync(string patientToken, string consentId, int versions)
    {
        JsonElement consent = default;
        await Eventually.TrueAsync(async () =>
        {
            (_, consent, _) = await platform.CallAsync("consent", HttpMethod.Get, $"/consents/{consentId}", patientToken);
            var history = consent.GetProperty("history").EnumerateArray().ToList();
            return history.Count == versions && history.All(v => v.GetProperty("receipt").ValueKind == JsonValueKind.Object);
        }, $"receipts for {versions} consent version(s) arrived through ledger.committed", Wait);
        var keys = await platform.LedgerKeysAsync();
        var all = consent.GetProperty("history").EnumerateArray().ToList();
        foreach (var version in all)
        {
            var receipt = version.GetProperty("receipt").Deserialize<Receipt>(JsonSerializerOptions.Web)!;
            var result = ReceiptVerifier.Verify(receipt, keys);
            Assert.True(result.IsValid, result.Reason);
            Assert.Equal(version.GetProperty("leafIndex").GetInt64(), receipt.LeafIndex);
        }
        return all;
    }

    private async Task<List<JsonElement>> AwaitAccessLogReceiptsAsync(string patientToken, string patientId, string actor, int minimum)
    {
        List<JsonElement> log = [];
        await Eventually.TrueAsync(async () =>
        {
            var (_, body, _) = await platform.CallAsync("record-vault", HttpMethod.Get, $"/patients/{patientId}/access-log", patientToken);
            log = body.ValueKind == JsonValueKind.Array ? body.EnumerateArray().ToList() : [];
            return log.Count(e => e.GetProperty("actor").GetString() == actor) >= minimum &&
                   log.All(e => e.GetProperty("receipt").ValueKind == JsonValueKind.Object);
        }, "every access-log entry has its receipt", Wait);
        return log;
    }
}
