using System.Net;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Platform.Identity.Accounts;
using Platform.RecordVault.Data;
using Platform.Testing;

namespace Platform.RecordVault.Service.Tests;

/// <summary>
/// Issue 23 item 2: when the consent service cannot decide (it does not answer in time, its answer is not a decision,
/// it fails) a clinician's read is a 503 problem+json with Retry-After, as when the HSM is down, and the refusal is in
/// the access log; a list is a 503 rather than a list short of the undecided categories; when the consent service is
/// back, reads work again. The vault talks to the real consent service through a switch it cannot tell apart from it.
/// </summary>
[Collection(VaultCollection.Name)]
public sealed class ConsentOutageTests(VaultPlatform platform)
{
    [Fact]
    public async Task A_silent_or_broken_consent_service_is_a_503_with_Retry_After_and_an_audited_refusal_and_reads_resume_when_it_is_back()
    {
        await using var consent = await ServiceSwitch.ForwardingAsync(platform.Consent.Client.BaseAddress!,
            """{"decision":"permit","reason":"consent_permits"}""", "Authorization", "X-Subject-Token");
        await platform.RestartVaultAsync(new Dictionary<string, string?>
        {
            ["RecordVault:ConsentUrl"] = consent.Address.AbsoluteUri,
            ["RecordVault:ConsentTimeout"] = "00:00:01",
            ["RecordVault:ConsentAttemptTimeout"] = "00:00:00.400",
        });
        try
        {
            var (patient, patientToken) = await platform.UserAsync(PlatformRoles.Patient);
            var (clinician, clinicianToken) = await platform.UserAsync(PlatformRoles.Clinician);
            var (created, record, _) = await platform.VaultAsync(HttpMethod.Post, $"/patients/{patient.Id}/records", patientToken,
                new StringContent("{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"text\":\"glucose\"}}", Encoding.UTF8, "application/fhir+json"));
            Assert.Equal(HttpStatusCode.Created, created);
            var id = record.GetProperty("id").GetString()!;
            var (granted, grant, _) = await platform.ConsentAsync(HttpMethod.Post, "/consents", patientToken,
                new { grantee = new { kind = "practitioner", id = clinician.Id }, categories = new[] { "observation" }, purposes = new[] { "TREAT" } });
            Assert.True(granted == HttpStatusCode.Created, grant.ToString());
            Assert.Equal(HttpStatusCode.OK, (await platform.VaultAsync(HttpMethod.Get, $"/records/{id}", clinicianToken)).Status);

            foreach (var (mode, reason) in new[] { (ServiceSwitchMode.Silent, "consent_service_timeout"), (ServiceSwitchMode.Malformed, "consent_service_malformed_answer"), (ServiceSwitchMode.Failing, "consent_service_503") })
            {
                consent.Mode = mode;
                var (status, problem, raw) = await platform.VaultAsync(HttpMethod.Get, $"/records/{id}", clinicianToken);
                Assert.True(status == HttpStatusCode.ServiceUnavailable, $"{mode}: {status} {problem}");
                Assert.Equal("application/problem+json", raw.Content.Headers.ContentType?.MediaType);
                Assert.Equal("consent_unavailable", problem.GetProperty("code").GetString());
                Assert.True(raw.Headers.RetryAfter?.Delta > TimeSpan.Zero, $"{mode}: no Retry-After");
                Assert.DoesNotContain("glucose", problem.ToString(), StringComparison.Ordinal);
            }
            // Malformed rather than failing: few enough failures in the window that the circuit stays closed for what follows.
            consent.Mode = ServiceSwitchMode.Malformed;
            var (listStatus, listProblem, _) = await platform.VaultAsync(HttpMethod.Get, $"/patients/{patient.Id}/records", clinicianToken);
            Assert.Equal((HttpStatusCode.ServiceUnavailable, "consent_unavailable"), (listStatus, listProblem.GetProperty("code").GetString()));

            consent.Mode = ServiceSwitchMode.Forward;
            var (back, _, content) = await platform.VaultAsync(HttpMethod.Get, $"/records/{id}", clinicianToken);
            Assert.Equal(HttpStatusCode.OK, back);
            Assert.Contains("glucose", await content.Content.ReadAsStringAsync(), StringComparison.Ordinal);

            // Each refused read is in the access log with the reason the consent service could not decide.
            using var scope = platform.Vault.Services.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<RecordVaultDbContext>();
            var reads = await db.AccessLog.AsNoTracking().Where(a => a.Patient == patient.Id && a.Actor == clinician.Id && a.Action == "read").ToListAsync();
            Assert.Equal(
                new[] { "consent_service_503", "consent_service_malformed_answer", "consent_service_timeout" },
                reads.Where(a => a.Outcome == "deny").Select(a => a.Reason ?? "").Order(StringComparer.Ordinal).ToArray());
        }
        finally
        {
            await platform.RestartVaultAsync();
        }
    }
}
