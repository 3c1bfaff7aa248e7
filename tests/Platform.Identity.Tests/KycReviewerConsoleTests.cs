using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.Identity.Accounts;
using Platform.Identity.Testing;

namespace Platform.Identity.Tests;

/// <summary>The reviewer console pages: queue, case with decrypted evidence, decision by form; closed to everyone else.</summary>
public sealed partial class KycReviewerConsoleTests(IdentityServerFixture fixture) : IClassFixture<IdentityServerFixture>
{
    private IdentityServer Server => fixture.Server;

    [Fact]
    public async Task A_reviewer_signed_in_with_totp_decides_a_case_through_the_pages_and_a_patient_cannot_open_them()
    {
        var applicant = await TestAccounts.CreateAsync(Server.Service.Services, PlatformRoles.Patient, enrolTotp: false);
        var token = await TokenAsync(applicant);
        using var api = new HttpClient { BaseAddress = Server.BaseAddress };
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var id = (await (await api.PostAsync("/kyc/cases", null)).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        var body = KycApplications.Application("KARL", "KONSOLE", "H" + Random.Shared.Next(10_000_000, 99_999_999), new DateOnly(1970, 7, 7), formBirthDate: "1970-07-08");
        var review = await (await api.PostAsJsonAsync($"/kyc/cases/{id}/evidence", body)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("ManualReview", review.GetProperty("state").GetString());

        var reviewer = await TestAccounts.CreateAsync(Server.Service.Services, PlatformRoles.KycReviewer);
        using var console = new FormSession(Server.BaseAddress);
        var landing = await SignInAtAsync(console, reviewer, "/kyc/review/queue");
        Assert.Equal("/kyc/review/queue", landing);
        using var queue = await console.GetAsync("/kyc/review/queue");
        Assert.Equal(HttpStatusCode.OK, queue.StatusCode);
        Assert.Contains(id!, await queue.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        AssertNotCachedNorFramable(queue);

        var casePage = $"/kyc/review/case/{id}";
        using var page = await console.GetAsync(casePage);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("KONSOLE", html, StringComparison.Ordinal);
        // The MRZ as people read it: its lines with their '<' fillers (HTML-encoded by the page), not JSON's \u003C escapes.
        var mrz = JsonSerializer.SerializeToElement(body).GetProperty("mrz").GetString()!;
        Assert.Contains('<', mrz);
        Assert.Equal(mrz, System.Net.WebUtility.HtmlDecode(MrzShown().Match(html).Groups["mrz"].Value));
        Assert.DoesNotContain("\\u003C", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(mrz.Split('\n')[0], html, StringComparison.Ordinal);
        AssertNotCachedNorFramable(page);
        // The reviewer's evidence API, too: the decrypted passport must not stay in any cache.
        using var reviewerApi = new HttpClient { BaseAddress = Server.BaseAddress };
        reviewerApi.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync(reviewer));
        using var evidence = await reviewerApi.GetAsync($"/kyc/cases/{id}/evidence");
        Assert.Equal(HttpStatusCode.OK, evidence.StatusCode);
        Assert.True(evidence.Headers.CacheControl?.NoStore, "the evidence answer is no-store");
        // A refused decision answers in place, with its status and the reason in the error summary; nothing is decided.
        using var refused = await console.SubmitHtmlFormAsync(casePage, html,
            [new("decision", "maybe"), new("reason", "not a decision")], button: null, formIndex: 0);
        var refusedHtml = await refused.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Contains("id=\"error-summary\"", refusedHtml, StringComparison.Ordinal);
        Assert.Contains("id=\"case-state\">ManualReview<", refusedHtml, StringComparison.Ordinal);

        // Post/Redirect/Get: the decision that worked answers 303 to the case page, which says so once.
        using var decided = await console.SubmitHtmlFormAsync(casePage, html,
            [new("decision", "approve"), new("reason", "birth date off by one day; passport checked")], button: null, formIndex: 0);
        Assert.Equal(HttpStatusCode.SeeOther, decided.StatusCode);
        Assert.Equal(casePage, decided.Headers.Location!.OriginalString);
        using var shown = await console.GetAsync(casePage);
        var after = await shown.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, shown.StatusCode);
        Assert.Contains("id=\"case-state\">Approved<", after, StringComparison.Ordinal);
        Assert.Contains("id=\"message\">Your decision is recorded.<", after, StringComparison.Ordinal);
        var version = CaseVersion(after);
        // A reload is a GET: the same page, no banner the second time, and the case unchanged (no second decision).
        using var reloaded = await console.GetAsync(casePage);
        var again = await reloaded.Content.ReadAsStringAsync();
        Assert.Contains("id=\"case-state\">Approved<", again, StringComparison.Ordinal);
        Assert.DoesNotContain("id=\"message\"", again, StringComparison.Ordinal);
        Assert.Equal(version, CaseVersion(again));
        var caseJson = await (await reviewerApi.GetAsync($"/kyc/cases/{id}")).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(version, caseJson.GetProperty("version").GetInt32());

        using var patientSession = new FormSession(Server.BaseAddress);
        var denied = await SignInAtAsync(patientSession, applicant, "/kyc/review/queue");
        Assert.StartsWith("/account/access-denied", denied, StringComparison.Ordinal);
    }

    [System.Text.RegularExpressions.GeneratedRegex("<pre id=\"evidence-mrz\"[^>]*>(?<mrz>[^<]*)</pre>")]
    private static partial System.Text.RegularExpressions.Regex MrzShown();

    /// <summary>The case's version, as the page says it (the summary under the heading).</summary>
    private static int CaseVersion(string html) =>
        int.Parse(System.Text.RegularExpressions.Regex.Match(html, "id=\"case-version\">(?<v>[0-9]+)<").Groups["v"].Value, System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Issue 17, finding 11: decrypted evidence is neither cached nor shown inside another site's frame.</summary>
    private static void AssertNotCachedNorFramable(HttpResponseMessage page)
    {
        Assert.True(page.Headers.CacheControl?.NoStore, "the page is no-store");
        Assert.Equal("DENY", page.Headers.GetValues("X-Frame-Options").Single());
        Assert.Contains("frame-ancestors 'none'", page.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
    }

    /// <summary>Opens a page behind the sign-in cookie: follows the challenge through the login and TOTP pages; returns where it lands.</summary>
    private async Task<string> SignInAtAsync(FormSession session, TestAccount account, string path)
    {
        using var first = await session.GetAsync(path);
        var location = new Uri(Server.BaseAddress, FormSession.Location(first)).PathAndQuery;
        for (var hop = 0; hop < 6; hop++)
        {
            HttpResponseMessage next;
            if (location.StartsWith("/account/login?", StringComparison.OrdinalIgnoreCase))
            {
                next = await session.SubmitAsync(location, new Dictionary<string, string> { ["Email"] = account.Email, ["Password"] = account.Password });
            }
            else if (location.StartsWith("/account/login-2fa", StringComparison.Ordinal))
            {
                next = await session.SubmitAsync(location, new Dictionary<string, string> { ["Code"] = account.NextCode() });
            }
            else
            {
                using var landed = await session.GetAsync(location);
                if ((int)landed.StatusCode is < 300 or >= 400)
                {
                    return location;
                }
                location = new Uri(Server.BaseAddress, FormSession.Location(landed)).PathAndQuery;
                continue;
            }
            using (next)
            {
                location = new Uri(Server.BaseAddress, FormSession.Location(next)).PathAndQuery;
            }
        }
        return location;
    }

    private async Task<string> TokenAsync(TestAccount account)
    {
        using var session = new FormSession(Server.BaseAddress);
        return (await new CodeFlow(session).SignInThroughPortalAsync(account, "openid kyc")).GetProperty("access_token").GetString()!;
    }
}
