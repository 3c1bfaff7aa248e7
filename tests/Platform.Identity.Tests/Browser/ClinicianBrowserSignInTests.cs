using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Platform.Identity.Accounts;
using Platform.Identity.Oidc;
using Platform.Identity.Testing;
using Platform.Testing.Browser;

namespace Platform.Identity.Tests.Browser;

/// <summary>
/// The clinician's sign-in as a person does it, in a real (headless) Chromium: the pages are found and filled by
/// their visible labels, the browser follows the server's redirects itself, and the flow ends at the portal's redirect
/// URI, which the test answers in the browser (nothing listens there; see <see cref="SubmitToPortalAsync"/>).
/// </summary>
public sealed class ClinicianBrowserSignInTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    private const string Scope = "openid profile email roles records";

    private IdentityServer Server => fixture.Server;

    [Fact]
    public async Task Clinician_signs_in_with_password_and_totp_in_a_browser_and_the_portal_gets_an_mfa_code()
    {
        var clinician = await TestAccounts.CreateAsync(Server.Service.Services, PlatformRoles.Clinician);
        var pkce = Pkce.Create();
        var (context, page) = await fixture.NewPageAsync();
        await using var _ = context;
        await BrowserSteps.WithScreenshotOnFailureAsync(page, async () =>
        {
            await page.GotoAsync(CodeFlow.AuthorizeUrl(IdentityServer.PortalClient, IdentityServer.PortalRedirect, Scope, pkce));
            await BrowserSteps.WaitForPathAsync(page, "/account/login");
            await AssertAccessibleAsync(page);
            await page.GetByLabel("E-mail address", new() { Exact = true }).FillAsync(clinician.Email);
            await page.GetByLabel("Password", new() { Exact = true }).FillAsync(clinician.Password);
            await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

            await BrowserSteps.WaitForPathAsync(page, "/account/login-2fa");
            await AssertAccessibleAsync(page);
            await page.GetByLabel("6-digit code").FillAsync(clinician.NextCode());
            var code = await SubmitToPortalAsync(page, page.GetByRole(AriaRole.Button, new() { Name = "Verify" }));
            var tokens = await RedeemAsync(code, pkce);
            var access = Jwt.Payload(tokens.GetProperty("access_token").GetString()!);
            Assert.Equal(PlatformClaims.AcrMultiFactor, access.GetProperty("acr").GetString());
            Assert.Equal(clinician.Id, access.GetProperty("sub").GetString());
        });
    }

    [Fact]
    public async Task Clinician_without_a_second_factor_enrols_one_from_the_qr_page_and_the_portal_gets_a_code()
    {
        var clinician = await TestAccounts.CreateAsync(Server.Service.Services, PlatformRoles.Clinician, enrolTotp: false);
        var pkce = Pkce.Create();
        var (context, page) = await fixture.NewPageAsync();
        await using var _ = context;
        await BrowserSteps.WithScreenshotOnFailureAsync(page, async () =>
        {
            await page.GotoAsync(CodeFlow.AuthorizeUrl(IdentityServer.PortalClient, IdentityServer.PortalRedirect, Scope, pkce));
            await BrowserSteps.WaitForPathAsync(page, "/account/login");
            await page.GetByLabel("E-mail address", new() { Exact = true }).FillAsync(clinician.Email);
            await page.GetByLabel("Password", new() { Exact = true }).FillAsync(clinician.Password);
            await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

            await BrowserSteps.WaitForPathAsync(page, "/account/totp");
            await AssertAccessibleAsync(page);
            var qr = page.Locator("svg");
            Assert.True(await qr.CountAsync() >= 1, "The enrolment page shows no <svg> QR code.");
            Assert.True(await qr.First.IsVisibleAsync(), "The QR code is not visible.");
            var box = await qr.First.BoundingBoxAsync();
            Assert.True(box is { Width: > 50, Height: > 50 }, $"The QR code is too small to scan: {box?.Width}x{box?.Height}.");
            var secretText = (await page.Locator("#totp-secret").InnerTextAsync()).Trim();
            Assert.Matches("^[A-Z2-7]{16,}$", secretText);
            var secret = Base32.Decode(secretText);
            await page.GetByLabel("6-digit code").FillAsync(Totp.Compute(secret, Totp.TimeStep(DateTimeOffset.UtcNow)));
            var code = await SubmitToPortalAsync(page, page.GetByRole(AriaRole.Button, new() { Name = "Turn on the second factor" }));
            var tokens = await RedeemAsync(code, pkce);
            var access = Jwt.Payload(tokens.GetProperty("access_token").GetString()!);
            Assert.Equal(clinician.Id, access.GetProperty("sub").GetString());
        });
    }

    /// <summary>
    /// Every input a person fills in has a label that names it (found through that label, as assistive
    /// technology would), and the page states its language and has a top-level heading.
    /// </summary>
    private static async Task AssertAccessibleAsync(IPage page)
    {
        Assert.Equal("en", await page.Locator("html").GetAttributeAsync("lang"));
        Assert.True(await page.Locator("h1").CountAsync() >= 1, $"{page.Url} has no <h1>.");
        Assert.False(string.IsNullOrWhiteSpace(await page.Locator("h1").First.InnerTextAsync()), $"{page.Url} has an empty <h1>.");
        var inputs = page.Locator("input:not([type=hidden]), select, textarea");
        var count = await inputs.CountAsync();
        Assert.True(count > 0, $"{page.Url} has no inputs.");
        for (var i = 0; i < count; i++)
        {
            var input = inputs.Nth(i);
            var id = await input.GetAttributeAsync("id");
            var labelText = await input.EvaluateAsync<string?>("e => e.labels && e.labels.length ? e.labels[0].innerText.trim() : null");
            Assert.False(string.IsNullOrEmpty(labelText), $"Input #{id ?? i.ToString(System.Globalization.CultureInfo.InvariantCulture)} on {page.Url} has no label.");
            var byLabel = page.GetByLabel(labelText!, new() { Exact = true });
            Assert.Equal(1, await byLabel.CountAsync());
            Assert.True(await byLabel.EvaluateAsync<bool>("(e, id) => e.id === id", id), $"The label '{labelText}' names another element.");
        }
    }

    /// <summary>
    /// Clicks <paramref name="submit"/>, lets the browser follow the server's redirects until it is sent to the
    /// portal's redirect URI, waits until it shows that page, and returns the authorization code in its URL.
    /// </summary>
    /// <remarks>
    /// The browser reaches the portal through a redirect (form post, 302 to /connect/authorize, 302 to the portal),
    /// and Playwright hands redirect hops to no route handler, so that first attempt meets the closed port. The test
    /// takes the exact URL the browser was sent to from that request and opens it as a navigation of its own, which
    /// the page's route answers (Chromium's own retry of a failed page, when it thinks it is online, does the same).
    /// </remarks>
    private static async Task<string> SubmitToPortalAsync(IPage page, ILocator submit)
    {
        static bool ToPortal(string url) => url.StartsWith(IdentityServer.PortalRedirect, StringComparison.Ordinal);
        string sentTo;
        try
        {
            var request = await page.RunAndWaitForRequestAsync(() => submit.ClickAsync(), r => ToPortal(r.Url) && r.IsNavigationRequest);
            sentTo = request.Url;
        }
        catch (TimeoutException e)
        {
            throw new InvalidOperationException($"The browser was not sent to the redirect URI; it is at {page.Url}: {await BrowserSteps.BodyTextAsync(page)}", e);
        }
        if (!ToPortal(page.Url))
        {
            try
            {
                await page.GotoAsync(sentTo);
            }
            catch (PlaywrightException)
            {
                // Interrupted by Chromium's own retry of the same URL, which the route answers as well.
            }
        }
        try
        {
            await Assertions.Expect(page).ToHaveURLAsync(new Regex("^" + Regex.Escape(sentTo) + "$"), new() { Timeout = 30_000 });
            await BrowserSteps.WaitForDocumentLoadedAsync(page);
        }
        catch (PlaywrightException e)
        {
            throw new InvalidOperationException($"The browser did not reach the redirect URI; it is at {page.Url}: {await BrowserSteps.BodyTextAsync(page)}", e);
        }
        Assert.Equal("Signed in", await page.Locator("h1").InnerTextAsync());
        var query = CodeFlow.QueryOf(page.Url);
        Assert.False(query.ContainsKey("error"), page.Url);
        Assert.Equal("state-1", query["state"]);
        Assert.True(query.TryGetValue("code", out var code) && code.Length > 0, page.Url);
        return code!;
    }

    private async Task<System.Text.Json.JsonElement> RedeemAsync(string code, Pkce pkce)
    {
        using var session = new FormSession(Server.BaseAddress);
        var (status, body) = await new CodeFlow(session).RedeemCodeAsync(code, IdentityServer.PortalClient, IdentityServer.PortalRedirect, pkce.Verifier);
        Assert.True(status == HttpStatusCode.OK, body.ToString());
        return body;
    }
}
