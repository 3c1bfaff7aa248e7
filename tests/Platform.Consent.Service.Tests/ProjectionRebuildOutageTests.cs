using System.Net;
using System.Text.Json;
using Platform.Consent.Consents;
using Platform.Identity.Accounts;
using Platform.Identity.Testing;
using Platform.Testing;

namespace Platform.Consent.Service.Tests;

/// <summary>
/// Issue 23 item 2 for the consent → ledger client: when the ledger does not answer in time, answers something that
/// is not a checkpoint, or fails, a projection rebuild is a 503 problem+json <c>ledger_unavailable</c> with
/// Retry-After, not a 500 (nor the 400 a JSON error would otherwise become); with the ledger back it works again.
/// The ledger is a stand-in on loopback; the consent service, its HTTP client and its pipeline are the real ones.
/// </summary>
public sealed class ProjectionRebuildOutageTests(ConsentPlatform platform) : IClassFixture<ConsentPlatform>
{
    [Fact]
    public async Task A_silent_malformed_or_failing_ledger_is_a_503_ledger_unavailable_and_the_rebuild_works_when_it_is_back()
    {
        // Healthy, the stand-in answers an empty log's checkpoint: the rebuild reads no entry and reports nothing to do.
        await using var ledger = await ServiceSwitch.AnsweringAsync("""{"checkpoint":{"treeSize":0}}""", """{"checkpoint":{"treeSize":"many"}}""");
        var keys = Directory.CreateTempSubdirectory("consent-keys-ledger-outage-").FullName;
        try
        {
            await using var consent = await platform.StartOtherConsentAsync(keys, new Dictionary<string, string?>
            {
                ["Consent:LedgerUrl"] = ledger.Address.AbsoluteUri,
                ["Consent:LedgerAuditToken"] = ConsentPlatform.LedgerAuditToken,
                // Short enough for the silent ledger, long enough for a loaded machine's answers.
                ["Consent:Rebuild:LedgerTimeout"] = "00:00:03",
                ["Consent:Rebuild:LedgerAttemptTimeout"] = "00:00:01",
            });
            var admin = await TestAccounts.CreateAsync(platform.Identity.Service.Services, PlatformRoles.Admin);
            var adminToken = await platform.UserTokenAsync(admin, "openid consent.manage");

            var (healthy, report, _) = await RebuildAsync(consent, adminToken);
            Assert.True(healthy == HttpStatusCode.OK, report.ToString());
            Assert.Empty(report.GetProperty("problems").EnumerateArray());
            Assert.Equal(0, report.GetProperty("ledgerEntries").GetInt64());

            foreach (var mode in new[] { ServiceSwitchMode.Silent, ServiceSwitchMode.Malformed, ServiceSwitchMode.Failing })
            {
                ledger.Mode = mode;
                var before = ledger.Requests;
                var (status, problem, answer) = await RebuildAsync(consent, adminToken);
                Assert.True(status == HttpStatusCode.ServiceUnavailable, $"{mode}: {status} {problem}");
                Assert.Equal("application/problem+json", answer.MediaType);
                Assert.Equal(LedgerUnavailableException.Code, problem.GetProperty("code").GetString());
                Assert.True(answer.RetryAfter > TimeSpan.Zero, $"{mode}: no Retry-After");
                Assert.True(ledger.Requests > before, $"{mode}: the ledger was not asked");
            }

            ledger.Mode = ServiceSwitchMode.Forward;
            var (back, again, _) = await RebuildAsync(consent, adminToken);
            Assert.True(back == HttpStatusCode.OK, again.ToString());
        }
        finally
        {
            Directory.Delete(keys, recursive: true);
        }
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body, (string? MediaType, TimeSpan? RetryAfter) Headers)> RebuildAsync(
        ServiceUnderTest consent, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/admin/projection/rebuild") { Content = System.Net.Http.Json.JsonContent.Create(new { }) };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        request.Headers.Add("X-Audit-Reason", "ledger outage drill");
        using var response = await consent.Client.SendAsync(request);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        return (response.StatusCode, body, (response.Content.Headers.ContentType?.MediaType, response.Headers.RetryAfter?.Delta));
    }
}
