using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Platform.Consent.Consents;
using Platform.Consent.Core;
using Platform.Consent.Data;
using Platform.Contracts.Events;
using Platform.Identity.Accounts;
using Platform.Identity.Testing;
using Platform.Ledger.Verification;
using Platform.Messaging;
using Platform.Testing;

namespace Platform.Consent.Service.Tests;

/// <summary>Consent changes on the ledger: receipts that verify, tamper evidence, rebuild, FHIR export, identity revocation.</summary>
public sealed class ConsentLedgerTests(ConsentPlatform platform) : IClassFixture<ConsentPlatform>
{
    [Fact]
    public async Task Every_change_gets_a_receipt_that_verifies_and_a_tampered_consent_no_longer_matches_its_committed_hash()
    {
        var (_, token) = await platform.PatientAsync();
        var (_, created) = await platform.CallAsync(HttpMethod.Post, "/consents", token, new
        {
            grantee = new { kind = "practitioner", id = "clinician-receipts" },
            categories = new[] { "observation", "condition" },
            purposes = new[] { "TREAT" },
        });
        var id = created.GetProperty("id").GetString()!;
        await platform.CallAsync(HttpMethod.Patch, $"/consents/{id}", token, new { categories = new[] { "condition" } });

        JsonElement consent = default;
        await Eventually.TrueAsync(async () =>
        {
            (_, consent) = await platform.CallAsync(HttpMethod.Get, $"/consents/{id}", token);
            return consent.GetProperty("history").EnumerateArray().All(v => v.GetProperty("receipt").ValueKind == JsonValueKind.Object);
        }, "receipts for both versions", TimeSpan.FromSeconds(30));

        var keys = await platform.LedgerKeysAsync();
        foreach (var version in consent.GetProperty("history").EnumerateArray())
        {
            var receipt = version.GetProperty("receipt").Deserialize<Receipt>(JsonSerializerOptions.Web)!;
            var result = ReceiptVerifier.Verify(receipt, keys);
            Assert.True(result.IsValid, result.Reason);
            Assert.Equal(version.GetProperty("leafIndex").GetInt64(), receipt.LeafIndex);
            // The committed event is blinded (v2): neither the patient's pseudonym nor the plain hash of the snapshot,
            // which a reader could brute-force from the few possible consents, is on the ledger ...
            var snapshot = ConsentSnapshot.Parse(version.GetProperty("snapshot").GetRawText());
            var payload = Jwt.Payload(version.GetProperty("signedEvent").GetString()!);
            Assert.Equal("consent.changed.v2", payload.GetProperty("type").GetString());
            Assert.NotEqual(ConsentHash.Compute(snapshot), payload.GetProperty("consentHash").GetString());
            Assert.Equal(version.GetProperty("hash").GetString(), ConsentHash.Compute(snapshot));
            Assert.NotEqual(snapshot.SubjectPseudonym, payload.GetProperty("subject").GetString());
            Assert.DoesNotContain("observation", payload.GetRawText(), StringComparison.Ordinal);
            // ... and the patient's opening (salt + canonical form) proves the entry is this version of their consent.
            var opening = version.GetProperty("opening").Deserialize<Opening>(JsonSerializerOptions.Web)!;
            var opened = OpeningVerifier.Verify(receipt, opening);
            Assert.True(opened.IsValid, opened.Reason);
            Assert.False(OpeningVerifier.Verify(receipt, opening with { Subject = "someone-else-entirely" }).IsValid);
            Assert.False(OpeningVerifier.Verify(receipt, opening with { CanonicalForm = opening.CanonicalForm!.Replace("\"condition\"", "\"allergy\"", StringComparison.Ordinal) }).IsValid);
        }
        // One consent's secret: both versions carry the same blinded subject, and the same salt in their openings.
        var histories = consent.GetProperty("history").EnumerateArray().ToList();
        Assert.Equal(histories[0].GetProperty("opening").GetProperty("salt").GetString(), histories[1].GetProperty("opening").GetProperty("salt").GetString());

        // Tampering: widen the stored row behind the service's back; its hash no longer matches the ledger.
        using (var scope = platform.Consent.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ConsentDbContext>();
            var row = await db.Consents.SingleAsync(c => c.Id == Guid.Parse(id));
            row.Categories = "condition observation mental-health";
            await db.SaveChangesAsync();
            var tampered = row.ToConsent();
            var committed = consent.GetProperty("history")[1].GetProperty("hash").GetString();
            Assert.False(ConsentHash.Matches(tampered, committed));
        }

        // Rebuilding from the ledger finds the difference and puts the committed state back.
        var admin = await TestAccounts.CreateAsync(platform.Identity.Service.Services, PlatformRoles.Admin);
        var adminToken = await platform.UserTokenAsync(admin, "openid consent.manage");
        var (status, report) = await platform.CallAsync(HttpMethod.Post, "/admin/projection/rebuild?apply=true", adminToken, new { }, auditReason: "tamper drill");
        Assert.True(status == HttpStatusCode.OK, report.ToString());
        Assert.Empty(report.GetProperty("problems").EnumerateArray());
        Assert.Contains(report.GetProperty("differences").EnumerateArray(), d => d.GetString()!.Contains(id, StringComparison.Ordinal));
        Assert.True(report.GetProperty("applied").GetBoolean());
        var (_, restored) = await platform.CallAsync(HttpMethod.Get, $"/consents/{id}", token);
        Assert.Equal(["condition"], restored.GetProperty("categories").EnumerateArray().Select(c => c.GetString()));

        var (_, again) = await platform.CallAsync(HttpMethod.Post, "/admin/projection/rebuild", adminToken, new { }, auditReason: "check");

        // The openings are the patient's alone: an admin reading the consent does not get them.
        var (_, asAdmin) = await platform.CallAsync(HttpMethod.Get, $"/consents/{id}", adminToken, auditReason: "support call");
        Assert.All(asAdmin.GetProperty("history").EnumerateArray(),
            v => Assert.True(!v.TryGetProperty("opening", out var o) || o.ValueKind == JsonValueKind.Null));
        Assert.DoesNotContain(again.GetProperty("differences").EnumerateArray(), d => d.GetString()!.Contains(id, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_consent_exports_as_a_fhir_r4_consent_resource()
    {
        var (patient, token) = await platform.PatientAsync();
        var (_, created) = await platform.CallAsync(HttpMethod.Post, "/consents", token, new
        {
            grantee = new { kind = "organization", id = "hospital-fhir-01" },
            categories = new[] { "immunization" },
            purposes = new[] { "TREAT" },
        });
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/consents/{created.GetProperty("id").GetString()}/fhir");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        using var response = await platform.Consent.Client.SendAsync(request);
        Assert.Equal("application/fhir+json", response.Content.Headers.ContentType?.MediaType);
        var resource = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("Consent", resource.GetProperty("resourceType").GetString());
        Assert.Equal("active", resource.GetProperty("status").GetString());
        Assert.Contains(patient.Id, resource.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_revoked_identity_suspends_the_consents_granted_to_that_person()
    {
        var (patient, token) = await platform.PatientAsync();
        var grantee = "revoked-" + Guid.NewGuid().ToString("N")[..12];
        var (_, created) = await platform.CallAsync(HttpMethod.Post, "/consents", token, new
        {
            grantee = new { kind = "practitioner", id = grantee },
            categories = new[] { "observation" },
            purposes = new[] { "TREAT" },
        });
        var id = created.GetProperty("id").GetString();

        await platform.Broker.PublishAsync(EventSerializer.ToOutgoing(new IdentityRevokedV1(grantee, "licence_withdrawn") { Source = "identity" }));

        await Eventually.TrueAsync(async () =>
        {
            var (_, consent) = await platform.CallAsync(HttpMethod.Get, $"/consents/{id}", token);
            return consent.GetProperty("status").GetString() == "suspended";
        }, "the consent is suspended");
        var service = await platform.ServiceTokenAsync();
        var (_, decision) = await platform.CallAsync(HttpMethod.Post, "/decisions", service,
            new { subject = patient.Id, actor = grantee, category = "observation", purpose = "TREAT", actorIsClinician = true });
        Assert.Equal("suspended", decision.GetProperty("reason").GetString());
        await Eventually.TrueAsync(() => platform.Observed.Any(e => e.Topic == "consent.revoked.v1" && e.Payload.Contains(id!, StringComparison.Ordinal)),
            "consent.revoked published for the suspension");
    }

    [Fact]
    public async Task A_rebuild_without_a_configured_ledger_answers_503_ledger_not_configured()
    {
        var keys = Directory.CreateTempSubdirectory("consent-keys-noledger-").FullName;
        try
        {
            await using var consent = await platform.StartOtherConsentAsync(keys, new Dictionary<string, string?> { ["Consent:LedgerUrl"] = "" });
            var admin = await TestAccounts.CreateAsync(platform.Identity.Service.Services, PlatformRoles.Admin);
            var adminToken = await platform.UserTokenAsync(admin, "openid consent.manage");
            using var request = new HttpRequestMessage(HttpMethod.Post, "/admin/projection/rebuild?apply=true") { Content = System.Net.Http.Json.JsonContent.Create(new { }) };
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", adminToken);
            request.Headers.Add("X-Audit-Reason", "drill without a ledger");

            using var response = await consent.Client.SendAsync(request);

            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal("ledger_not_configured", JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("code").GetString());
        }
        finally
        {
            Directory.Delete(keys, recursive: true);
        }
    }
}
