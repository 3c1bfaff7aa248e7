using Microsoft.Playwright;
using Platform.Identity.Accounts;
using Platform.Identity.Tests.Infrastructure;
using Platform.Testing.Browser;
using static Platform.Consent.Service.Tests.Research.ResearchPeople;

namespace Platform.Consent.Service.Tests.Research;

/// <summary>
/// The patients' research page (<c>/my/research</c>) in headless Chromium: a study's terms as declared, taking part and
/// stopping with one button each (the opt-in then shows as a research consent), drawn by the design system, accessible,
/// usable on a phone.
/// </summary>
public sealed class ResearchPageTests(ConsentPlatform platform) : IClassFixture<ConsentPlatform>, IAsyncLifetime
{
    private const string ChromiumPath = "/usr/bin/chromium";

    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public async Task InitializeAsync()
    {
        Assert.True(File.Exists(ChromiumPath), $"The browser tests need Chromium at {ChromiumPath} (Debian: apt-get install chromium).");
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
    }

    [Fact]
    public async Task A_patient_reads_a_study_takes_part_and_stops_on_the_research_page()
    {
        var reviewer = await ReviewerAsync(platform);
        var (organisation, representative) = await OrganisationAsync(platform, verifiedBy: reviewer);
        var title = "Sleep and heart rate " + Guid.NewGuid().ToString("N")[..6];
        var (_, study) = await platform.CallAsync(HttpMethod.Post, $"/research/organisations/{organisation}/studies", representative, Study(title: title));
        var studyId = study.GetProperty("id").GetString()!;
        var patient = await TestAccounts.CreateAsync(platform.Identity.Service.Services, PlatformRoles.Patient, enrolTotp: false);
        await using var context = await _browser!.NewContextAsync(new() { Locale = "en-GB" });
        context.SetDefaultTimeout(30_000);
        var page = await context.NewPageAsync();
        await BrowserSteps.WithScreenshotOnFailureAsync(page, async () =>
        {
            await page.GotoAsync(new Uri(platform.Consent.Client.BaseAddress!, "/my/research").AbsoluteUri);
            await BrowserSteps.WaitForPathAsync(page, "/account/login");
            await page.GetByLabel("E-mail address", new() { Exact = true }).FillAsync(patient.Email);
            await page.GetByLabel("Password", new() { Exact = true }).FillAsync(patient.Password);
            await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
            await BrowserSteps.WaitForPathAsync(page, "/my/research");

            var item = page.Locator($"[data-study-id='{studyId}']");
            await Assertions.Expect(item).ToContainTextAsync("Institute of Synthetic Cohorts Ltd");
            await Assertions.Expect(item).ToContainTextAsync("EK-2026-042");
            await Assertions.Expect(item).ToContainTextAsync("5.00 EUR each time your records are exported");
            await DesignSystemCheck.AssertAsync(page);
            await AccessibilityCheck.AssertNoSeriousViolationsAsync(page);

            await page.GetByRole(AriaRole.Button, new() { Name = "Take part in " + title }).ClickAsync();
            await Assertions.Expect(page.Locator("#message")).ToHaveTextAsync("You are taking part. You can stop at any time.");
            await Assertions.Expect(item).ToContainTextAsync("You are taking part");
            await DesignSystemCheck.AssertNoSidewaysScrollOnPhoneAsync(page);
            await AccessibilityCheck.AssertNoSeriousViolationsAsync(page);
            await BrowserSteps.ScreenshotForDocsAsync(page, "my-research");

            await page.GetByRole(AriaRole.Button, new() { Name = "Stop taking part in " + title }).ClickAsync();
            await Assertions.Expect(page.Locator("#message")).ToContainTextAsync("You have stopped taking part.");
            await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Take part in " + title })).ToBeVisibleAsync();
        });

        // The page used the consent commands: the opt-in is a research consent of the patient's, now revoked.
        var token = await platform.UserTokenAsync(patient);
        var (_, consents) = await platform.CallAsync(HttpMethod.Get, "/consents", token);
        var optIn = Assert.Single(consents.EnumerateArray(),
            c => c.GetProperty("grantee").GetProperty("id").GetString() == "study-" + Guid.Parse(studyId).ToString("N"));
        Assert.Equal(["HRESCH"], optIn.GetProperty("purposes").EnumerateArray().Select(p => p.GetString()));
        Assert.Equal("revoked", optIn.GetProperty("status").GetString());
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }
        _playwright?.Dispose();
    }
}
