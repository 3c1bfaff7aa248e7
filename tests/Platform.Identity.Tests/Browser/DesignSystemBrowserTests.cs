using Microsoft.Playwright;
using Platform.Identity.Accounts;
using Platform.Identity.Testing;
using Platform.Testing.Browser;

namespace Platform.Identity.Tests.Browser;

/// <summary>
/// Every family of the identity service's pages is drawn by the shared design system (Platform.WebUi): the NHS.UK
/// stylesheet from the service's own origin, a skip link visible only on focus, no sideways scrolling at 390 px.
/// The families: the account pages, the OAuth consent page, the applicants' KYC pages, the reviewers' console.
/// (The consent service's pages: tests/Platform.Consent.Service.Tests/ConsentPagesDesignTests.cs.)
/// </summary>
public sealed class DesignSystemBrowserTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    private IdentityServer Server => fixture.Server;

    [Fact]
    public async Task The_account_pages_use_the_design_system()
    {
        var (context, page) = await fixture.NewPageAsync();
        await using var _ = context;
        await BrowserSteps.WithScreenshotOnFailureAsync(page, async () =>
        {
            await page.GotoAsync("/account/login");
            await DesignSystemCheck.AssertAsync(page);
            await page.GotoAsync("/account/register");
            await DesignSystemCheck.AssertAsync(page);
            await BrowserSteps.ScreenshotForDocsAsync(page, "account-register");
        });
    }

    [Fact]
    public async Task A_sign_in_error_shows_in_the_error_summary_and_at_its_fields()
    {
        var (context, page) = await fixture.NewPageAsync();
        await using var _ = context;
        await BrowserSteps.WithScreenshotOnFailureAsync(page, async () =>
        {
            await page.GotoAsync("/account/login");
            await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
            await BrowserSteps.WaitForPathAsync(page, "/account/login");
            var summary = page.Locator(".nhsuk-error-summary");
            await Assertions.Expect(summary).ToContainTextAsync("There is a problem");
            await Assertions.Expect(summary).ToContainTextAsync("Enter your e-mail address and password.");
            // The frontend's script moves the focus to the summary, so a screen reader starts there.
            await Assertions.Expect(summary).ToBeFocusedAsync();
            await Assertions.Expect(page.Locator("#email")).ToHaveAttributeAsync("aria-describedby", "email-error");
            await Assertions.Expect(page.Locator("#email-error")).ToContainTextAsync("Error:");
            await AccessibilityCheck.AssertNoSeriousViolationsAsync(page);
            await BrowserSteps.ScreenshotForDocsAsync(page, "account-login-error");
        });
    }

    [Fact]
    public async Task The_consent_page_of_a_third_party_application_uses_the_design_system()
    {
        var patient = await TestAccounts.CreateAsync(Server.Service.Services, PlatformRoles.Patient, enrolTotp: false);
        var (context, page) = await fixture.NewPageAsync();
        await using var _ = context;
        await BrowserSteps.WithScreenshotOnFailureAsync(page, async () =>
        {
            await page.GotoAsync(CodeFlow.AuthorizeUrl(IdentityServer.ThirdPartyClient, IdentityServer.ThirdPartyRedirect, "openid profile", Pkce.Create()));
            await SignInAsync(page, patient);
            await BrowserSteps.WaitForPathAsync(page, "/connect/consent");
            await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Allow" })).ToHaveClassAsync(new System.Text.RegularExpressions.Regex(@"\bnhsuk-button\b"));
            await AccessibilityCheck.AssertNoSeriousViolationsAsync(page);
            await DesignSystemCheck.AssertAsync(page);
            await BrowserSteps.ScreenshotForDocsAsync(page, "connect-consent");
        });
    }

    [Fact]
    public async Task The_applicant_pages_use_the_design_system()
    {
        var applicant = await TestAccounts.CreateAsync(Server.Service.Services, PlatformRoles.Patient, enrolTotp: false);
        var (context, page) = await fixture.NewPageAsync();
        await using var _ = context;
        await BrowserSteps.WithScreenshotOnFailureAsync(page, async () =>
        {
            await page.GotoAsync("/kyc");
            await SignInAsync(page, applicant);
            await BrowserSteps.WaitForPathAsync(page, "/kyc");
            await DesignSystemCheck.AssertAsync(page);
            // The header's navigation marks where the person is.
            await Assertions.Expect(page.Locator(".nhsuk-header__navigation-item--current")).ToHaveTextAsync("Verify your identity");
            await page.GetByRole(AriaRole.Button, new() { Name = "Start now" }).ClickAsync();
            await BrowserSteps.WaitForPathAsync(page, "/kyc/application");
            await DesignSystemCheck.AssertAsync(page);
        });
    }

    [Fact]
    public async Task The_reviewer_console_uses_the_design_system()
    {
        var reviewer = await TestAccounts.CreateAsync(Server.Service.Services, PlatformRoles.KycReviewer);
        var (context, page) = await fixture.NewPageAsync();
        await using var _ = context;
        await BrowserSteps.WithScreenshotOnFailureAsync(page, async () =>
        {
            await page.GotoAsync("/kyc/review/queue");
            await SignInAsync(page, reviewer);
            await BrowserSteps.WaitForPathAsync(page, "/account/login-2fa");
            await page.GetByLabel("6-digit code").FillAsync(reviewer.NextCode());
            await page.GetByRole(AriaRole.Button, new() { Name = "Verify" }).ClickAsync();
            await BrowserSteps.WaitForPathAsync(page, "/kyc/review/queue");
            await AccessibilityCheck.AssertNoSeriousViolationsAsync(page);
            await DesignSystemCheck.AssertAsync(page);
        });
    }

    private static async Task SignInAsync(IPage page, TestAccount account)
    {
        await BrowserSteps.WaitForPathAsync(page, "/account/login");
        await page.GetByLabel("E-mail address", new() { Exact = true }).FillAsync(account.Email);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(account.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
    }
}
