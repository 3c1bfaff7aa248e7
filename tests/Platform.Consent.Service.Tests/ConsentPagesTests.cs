using System.Net;
using Platform.Identity.Accounts;
using Platform.Identity.Testing;

namespace Platform.Consent.Service.Tests;

/// <summary>The patient pages: OpenID Connect sign-in through the identity service, then grant, narrow and revoke by form.</summary>
public sealed class ConsentPagesTests(ConsentPlatform platform) : IClassFixture<ConsentPlatform>
{
    [Fact]
    public async Task A_patient_signs_in_and_grants_narrows_and_revokes_through_the_pages()
    {
        var patient = await TestAccounts.CreateAsync(platform.Identity.Service.Services, PlatformRoles.Patient, enrolTotp: false);
        using var browser = new FormSession(platform.Consent.Client.BaseAddress!);
        var page = await SignInAsync(browser, patient, "/my/consents");
        Assert.Contains("id=\"no-consents\"", page, StringComparison.Ordinal);
        Assert.Contains("<html lang=\"en\">", page, StringComparison.Ordinal);

        var pageUrl = new Uri(platform.Consent.Client.BaseAddress!, "/my/consents").AbsoluteUri;
        using var granted = await browser.SubmitHtmlFormAsync(pageUrl + "?handler=Grant", page,
        [
            new("GranteeKind", "practitioner"), new("GranteeId", "dr-pages-000001"),
            new("Categories", "observation"), new("Categories", "medication"), new("Purposes", "TREAT"),
        ], button: null, formIndex: 0);
        // Post/Redirect/Get: the change answers with a redirect to the page, which shows what it did once.
        var afterGrant = await FollowAsync(browser, granted, pageUrl);
        Assert.Contains("Access given.", afterGrant, StringComparison.Ordinal);
        Assert.Contains("dr-pages-000001", afterGrant, StringComparison.Ordinal);

        // Form 0 is now the consent's "narrow" form: keep only observation.
        using var narrowed = await browser.SubmitHtmlFormAsync(pageUrl + "?handler=Narrow", afterGrant, [new("keep", "observation")], button: null, formIndex: 0);
        var afterNarrow = await FollowAsync(browser, narrowed, pageUrl);
        Assert.Contains("Access narrowed.", afterNarrow, StringComparison.Ordinal);
        Assert.Contains("active (v2)", afterNarrow, StringComparison.Ordinal);

        // Form 1 is its "revoke" form.
        using var revoked = await browser.SubmitHtmlFormAsync(pageUrl + "?handler=Revoke", afterNarrow, [], button: null, formIndex: 1);
        var afterRevoke = await FollowAsync(browser, revoked, pageUrl);
        Assert.Contains("Access revoked.", afterRevoke, StringComparison.Ordinal);
        Assert.Contains("revoked (v3)", afterRevoke, StringComparison.Ordinal);

        // Reloading the page after a change shows the page, not the message again, and sends nothing.
        using (var reload = await browser.GetAsync(pageUrl))
        {
            var again = await reload.Content.ReadAsStringAsync();
            Assert.DoesNotContain("Access revoked.", again, StringComparison.Ordinal);
            Assert.Contains("revoked (v3)", again, StringComparison.Ordinal);
        }

        // A bad grant shows the reason and stores nothing.
        using var bad = await browser.SubmitHtmlFormAsync(pageUrl + "?handler=Grant", afterRevoke,
            [new("GranteeKind", "practitioner"), new("GranteeId", "dr-pages-000002"), new("Purposes", "TREAT")], button: null, formIndex: 0);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, bad.StatusCode);
        Assert.DoesNotContain("dr-pages-000002", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_patient_page_tells_the_patient_about_a_consent_admins_granted_on_their_behalf()
    {
        var patient = await TestAccounts.CreateAsync(platform.Identity.Service.Services, PlatformRoles.Patient, enrolTotp: false);
        var adminA = await TestAccounts.CreateAsync(platform.Identity.Service.Services, PlatformRoles.Admin);
        var adminB = await TestAccounts.CreateAsync(platform.Identity.Service.Services, PlatformRoles.Admin);
        var (_, proposal) = await platform.CallAsync(HttpMethod.Post, "/admin/consent-proposals", await platform.UserTokenAsync(adminA, "openid consent.manage"), new
        {
            subject = patient.Id,
            grantee = new { kind = "practitioner", id = "dr-behalf-000001" },
            categories = new[] { "mental-health" },
            purposes = new[] { "TREAT" },
        }, auditReason: "Patient asked by signed letter, ticket 5150");
        var (approved, approval) = await platform.CallAsync(HttpMethod.Post, $"/admin/consent-proposals/{proposal.GetProperty("id").GetString()}/approve",
            await platform.UserTokenAsync(adminB, "openid consent.manage"), new { }, auditReason: "Letter for ticket 5150 checked again");
        Assert.True(approved == HttpStatusCode.Created, approval.ToString());

        using var browser = new FormSession(platform.Consent.Client.BaseAddress!);
        var page = await SignInAsync(browser, patient, "/my/consents");

        Assert.Contains("id=\"notices\"", page, StringComparison.Ordinal);
        Assert.Contains($"data-consent-id=\"{approval.GetProperty("consent").GetProperty("id").GetString()}\"", page, StringComparison.Ordinal);
        Assert.Contains("Administrators granted practitioner dr-behalf-000001 access to mental-health", page, StringComparison.Ordinal);
        Assert.Contains(adminA.Id, page, StringComparison.Ordinal);
        Assert.Contains(adminB.Id, page, StringComparison.Ordinal);
        Assert.Contains("active (v1), granted on your behalf", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_clinician_is_turned_away_from_the_patient_pages()
    {
        var clinician = await TestAccounts.CreateAsync(platform.Identity.Service.Services, PlatformRoles.Clinician);
        using var browser = new FormSession(platform.Consent.Client.BaseAddress!);
        var (status, _) = await SignInRawAsync(browser, clinician, "/my/consents");
        Assert.Equal(HttpStatusCode.Forbidden, status);
    }

    /// <summary>The answer to a change is a redirect to the page (303/302, not the page itself); the page it leads to.</summary>
    private static async Task<string> FollowAsync(FormSession browser, HttpResponseMessage answer, string pageUrl)
    {
        Assert.True(answer.StatusCode is HttpStatusCode.Found or HttpStatusCode.SeeOther, $"{answer.StatusCode}: {await answer.Content.ReadAsStringAsync()}");
        Assert.Equal(new Uri(pageUrl).AbsolutePath, new Uri(new Uri(pageUrl), FormSession.Location(answer)).AbsolutePath);
        using var page = await browser.GetAsync(new Uri(new Uri(pageUrl), FormSession.Location(answer)).AbsoluteUri);
        var html = await page.Content.ReadAsStringAsync();
        Assert.True(page.StatusCode == HttpStatusCode.OK, html);
        return html;
    }

    private async Task<string> SignInAsync(FormSession browser, TestAccount account, string path)
    {
        var (status, html) = await SignInRawAsync(browser, account, path);
        Assert.True(status == HttpStatusCode.OK, html);
        return html;
    }

    /// <summary>Follows the redirects across both hosts, filling in the identity service's login pages on the way.</summary>
    private async Task<(HttpStatusCode Status, string Html)> SignInRawAsync(FormSession browser, TestAccount account, string path)
    {
        var current = new Uri(platform.Consent.Client.BaseAddress!, path);
        var response = await browser.GetAsync(current.AbsoluteUri);
        for (var hop = 0; hop < 15 && (int)response.StatusCode is >= 300 and < 400; hop++)
        {
            var next = new Uri(current, response.Headers.Location!);
            response.Dispose();
            current = next;
            if (next.AbsolutePath == "/account/login")
            {
                response = await browser.SubmitAsync(next.AbsoluteUri, new Dictionary<string, string> { ["Email"] = account.Email, ["Password"] = account.Password });
            }
            else if (next.AbsolutePath == "/account/login-2fa")
            {
                response = await browser.SubmitAsync(next.AbsoluteUri, new Dictionary<string, string> { ["Code"] = account.NextCode() });
            }
            else
            {
                response = await browser.GetAsync(next.AbsoluteUri);
            }
        }
        using (response)
        {
            return (response.StatusCode, await response.Content.ReadAsStringAsync());
        }
    }
}
