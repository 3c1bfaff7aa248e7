using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Platform.Contracts.Events;
using Platform.Identity.Accounts;
using Platform.Identity.Testing;
using Platform.Ledger.Verification;
using Platform.Messaging;
using Platform.RecordVault.Access;
using Platform.RecordVault.Data;
using Platform.RecordVault.Records;
using Platform.Testing;

namespace Platform.RecordVault.Service.Tests;

/// <summary>
/// Issue 17, findings 3 and 4 at the vault: refused attempts on patients nobody knows never become ledger entries
/// (and are answered exactly like attempts on real patients); each caller's refusals have a budget; and access events
/// go to the ledger blinded (v2), with an opening in the patient's access log that proves the link.
/// </summary>
[Collection(VaultCollection.Name)]
public sealed class VaultLedgerPrivacyTests(VaultPlatform platform)
{
    private static StringContent Observation(string text) =>
        new("{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"text\":\"" + text + "\"}}", Encoding.UTF8, "application/fhir+json");

    private static string MadeUp() => "made-up-" + Guid.NewGuid().ToString("N");

    [Fact]
    public async Task A_refused_attempt_on_an_unknown_patient_is_answered_like_one_on_a_real_patient_but_never_audited()
    {
        var (known, knownToken) = await platform.UserAsync(PlatformRoles.Patient);
        await platform.VaultAsync(HttpMethod.Post, $"/patients/{known.Id}/records", knownToken, Observation("mine"));
        var (other, otherToken) = await platform.UserAsync(PlatformRoles.Patient);
        var (clinician, clinicianToken) = await platform.UserAsync(PlatformRoles.Clinician);
        var unknown = MadeUp();

        foreach (var (caller, token) in new[] { (other.Id, otherToken), (clinician.Id, clinicianToken) })
        {
            var (onKnown, knownProblem, _) = await platform.VaultAsync(HttpMethod.Post, $"/patients/{known.Id}/records", token, Observation("forged"));
            var (onUnknown, unknownProblem, _) = await platform.VaultAsync(HttpMethod.Post, $"/patients/{unknown}/records", token, Observation("forged"));
            // The same answer: no existence oracle.
            Assert.Equal(HttpStatusCode.Forbidden, onKnown);
            Assert.Equal((onKnown, knownProblem.GetProperty("code").GetString(), knownProblem.GetProperty("detail").GetString()),
                (onUnknown, unknownProblem.GetProperty("code").GetString(), unknownProblem.GetProperty("detail").GetString()));
        }

        using var scope = platform.Vault.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<RecordVaultDbContext>();
        Assert.Equal(2, await db.AccessLog.CountAsync(a => a.Patient == known.Id && a.Outcome == "deny"));
        Assert.False(await db.AccessLog.AnyAsync(a => a.Patient == unknown));
        // Nothing for the unknown patient is waiting in the outbox either (the ledger gets what the outbox holds).
        var outbox = await db.Set<Platform.Messaging.Outbox.OutboxMessage>().AsNoTracking().Select(m => m.Payload).ToListAsync();
        Assert.DoesNotContain(outbox, payload => Encoding.UTF8.GetString(payload).Contains(unknown, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_patient_the_identity_service_verified_is_known_before_they_have_records()
    {
        var (clinician, clinicianToken) = await platform.UserAsync(PlatformRoles.Clinician);
        var verified = MadeUp();
        await platform.Broker.PublishAsync(EventSerializer.ToOutgoing(new IdentityVerifiedV1(verified, Guid.NewGuid(), "approved", "substantial") { Source = "identity" }));
        using var scope = platform.Vault.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<RecordVaultDbContext>();
        await Eventually.TrueAsync(() => db.KnownPatients.AnyAsync(k => k.Patient == verified), "the vault learns the verified patient");

        var (status, _, _) = await platform.VaultAsync(HttpMethod.Post, $"/patients/{verified}/records", clinicianToken, Observation("forged"));

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.True(await db.AccessLog.AnyAsync(a => a.Patient == verified && a.Actor == clinician.Id && a.Outcome == "deny"));
    }

    [Fact]
    public async Task Each_caller_has_a_refusal_budget_and_past_it_nothing_reaches_the_ledger()
    {
        var (known, knownToken) = await platform.UserAsync(PlatformRoles.Patient);
        await platform.VaultAsync(HttpMethod.Post, $"/patients/{known.Id}/records", knownToken, Observation("mine"));
        var (flooder, flooderToken) = await platform.UserAsync(PlatformRoles.Patient);
        var budget = platform.Vault.Services.GetRequiredService<IOptions<RecordVaultOptions>>().Value.RefusalQuota.PermitLimit;

        // Refusals on made-up patients spend the budget too, so its end says nothing about who exists.
        for (var i = 0; i < budget; i++)
        {
            var (status, _, _) = await platform.VaultAsync(HttpMethod.Post, $"/patients/{MadeUp()}/records", flooderToken, Observation("flood"));
            Assert.Equal(HttpStatusCode.Forbidden, status);
        }
        var (spent, problem, raw) = await platform.VaultAsync(HttpMethod.Post, $"/patients/{known.Id}/records", flooderToken, Observation("flood"));

        Assert.Equal(HttpStatusCode.TooManyRequests, spent);
        Assert.Equal("too_many_refusals", problem.GetProperty("code").GetString());
        Assert.True(raw.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        using var scope = platform.Vault.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<RecordVaultDbContext>();
        Assert.False(await db.AccessLog.AnyAsync(a => a.Actor == flooder.Id));
        // Another caller's budget is untouched.
        var (_, otherToken) = await platform.UserAsync(PlatformRoles.Patient);
        Assert.Equal(HttpStatusCode.Forbidden, (await platform.VaultAsync(HttpMethod.Post, $"/patients/{known.Id}/records", otherToken, Observation("x"))).Status);
    }

    [Fact]
    public void The_refusal_budget_is_per_caller()
    {
        using var quota = new RefusalQuota(Options.Create(new RecordVaultOptions { RefusalQuota = new RefusalQuotaOptions { PermitLimit = 2, Window = TimeSpan.FromHours(1) } }));

        Assert.True(quota.TryTake("caller-a", out _));
        Assert.True(quota.TryTake("caller-a", out _));
        Assert.False(quota.TryTake("caller-a", out var retryAfter));
        Assert.True(retryAfter > TimeSpan.Zero && retryAfter <= TimeSpan.FromHours(1));
        Assert.True(quota.TryTake("caller-b", out _));
    }

    [Fact]
    public async Task Access_events_reach_the_ledger_blinded_and_the_patients_opening_proves_the_link()
    {
        var (patient, token) = await platform.UserAsync(PlatformRoles.Patient);
        var (_, created, _) = await platform.VaultAsync(HttpMethod.Post, $"/patients/{patient.Id}/records", token, Observation("blinded"));
        var id = created.GetProperty("id").GetString()!;
        await platform.VaultAsync(HttpMethod.Get, $"/records/{id}", token);

        JsonElement log = default;
        await Eventually.TrueAsync(async () =>
        {
            (_, log, _) = await platform.VaultAsync(HttpMethod.Get, $"/patients/{patient.Id}/access-log", token);
            return log.GetArrayLength() == 2 && log.EnumerateArray().All(e => e.GetProperty("receipt").ValueKind == JsonValueKind.Object);
        }, "receipts for the write and the read", TimeSpan.FromSeconds(30));

        var subjects = new HashSet<string>();
        foreach (var entry in log.EnumerateArray())
        {
            var payload = Jwt.Payload(entry.GetProperty("signedEvent").GetString()!);
            Assert.Equal("access.recorded.v2", payload.GetProperty("type").GetString());
            // Who, whom and which record are not on the ledger in clear ...
            Assert.DoesNotContain(patient.Id, payload.GetRawText(), StringComparison.Ordinal);
            Assert.NotEqual(entry.GetProperty("recordHash").GetString(), payload.GetProperty("recordHash").GetString());
            subjects.Add(payload.GetProperty("subject").GetString()!);
            // ... but the receipt is in the ledger and the opening shows it is about this patient, actor and record.
            var receipt = entry.GetProperty("receipt").Deserialize<Receipt>(JsonSerializerOptions.Web)!;
            Assert.True(ReceiptVerifier.Verify(receipt).IsValid);
            var opening = entry.GetProperty("opening").Deserialize<Opening>(JsonSerializerOptions.Web)!;
            var opened = OpeningVerifier.Verify(receipt, opening);
            Assert.True(opened.IsValid, opened.Reason);
            Assert.False(OpeningVerifier.Verify(receipt, opening with { Actor = "another-actor-01" }).IsValid);
        }
        // Two accesses by the same patient to the same record: the ledger cannot link them.
        Assert.Equal(2, subjects.Count);
    }
}
