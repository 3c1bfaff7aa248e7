using Microsoft.Playwright;
using Platform.Identity.Accounts;
using Platform.Identity.Testing;
using Platform.Testing.Browser;

namespace Platform.Consent.Service.Tests;

/// <summary>
/// The patients' consent page in a real (headless) Chromium, signed in through the identity service's pages: drawn by
/// the shared design system (Platform.WebUi) like every other page, accessible, and usable on a 390-pixel-wide phone.
/// </summary>
public sealed class ConsentPagesDesignTests(ConsentPlatform platform) : IClassFixture<ConsentPlatform>, IAsyncLifetime
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
    public async Task The_consent_page_uses_the_design_system_and_works_on_a_phone()
    {
        var patient = await TestAccounts.CreateAsync(platform.Identity.Service.Services, PlatformRoles.Patient, enrolTotp: false);
        await using var context = await _browser!.NewContextAsync(new() { Locale = "en-GB" });
        context.SetDefaultTimeout(30_000);
        var page = await context.NewPageAsync();
        await BrowserSteps.WithScreenshotOnFailureAsync(page, async () =>
        {
            await page.GotoAsync(new Uri(platform.Consent.Client.BaseAddress!, "/my/consents").AbsoluteUri);
            await BrowserSteps.WaitForPathAsync(page, "/account/login");
            await page.GetByLabel("E-mail address", new() { Exact = true }).FillAsync(patient.Email);
            await page.GetByLabel("Password", new() { Exact = true }).FillAsync(patient.Password);
            await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
            await BrowserSteps.WaitForPathAsync(page, "/my/consents");

            await DesignSystemCheck.AssertAsync(page);
            await AccessibilityCheck.AssertNoSeriousViolationsAsync(page);

            // Give access, then the table of consents (seven columns) still fits a phone: it stacks.
            await page.GetByLabel("Their id").FillAsync("dr-design-000001");
            await page.GetByLabel("Observations").CheckAsync();
            await page.GetByLabel("treatment", new() { Exact = true }).CheckAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Give access" }).ClickAsync();
            await Assertions.Expect(page.Locator("#message")).ToHaveTextAsync("Access given.");
            await Assertions.Expect(page.Locator("#consents")).ToContainTextAsync("dr-design-000001");
            await DesignSystemCheck.AssertNoSidewaysScrollOnPhoneAsync(page);
            await AccessibilityCheck.AssertNoSeriousViolationsAsync(page);
            await BrowserSteps.ScreenshotForDocsAsync(page, "my-consents");
        });
    }

    [Fact]
    public async Task In_French_the_consent_page_speaks_French_stays_accessible_and_a_reload_sends_nothing_twice()
    {
        var patient = await TestAccounts.CreateAsync(platform.Identity.Service.Services, PlatformRoles.Patient, enrolTotp: false);
        // A French browser: Chromium sends Accept-Language: fr-FR,fr.
        await using var context = await _browser!.NewContextAsync(new() { Locale = "fr-FR" });
        context.SetDefaultTimeout(30_000);
        var page = await context.NewPageAsync();
        await BrowserSteps.WithScreenshotOnFailureAsync(page, async () =>
        {
            await page.GotoAsync(new Uri(platform.Consent.Client.BaseAddress!, "/my/consents").AbsoluteUri);
            await BrowserSteps.WaitForPathAsync(page, "/account/login");
            await BrowserSteps.SignInAsync(page, patient.Email, patient.Password);
            await BrowserSteps.WaitForPathAsync(page, "/my/consents");

            Assert.Equal("fr", await page.Locator("html").GetAttributeAsync("lang"));
            await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Qui peut consulter votre dossier");
            await Assertions.Expect(page.Locator("#product-name")).ToHaveTextAsync("Dossiers de santé et consentement");
            await AccessibilityCheck.AssertNoSeriousViolationsAsync(page);

            await page.GetByLabel("Son identifiant").FillAsync("dr-design-000002");
            // The vocabulary in French: categories and purposes by their French names, in the form and the table.
            await page.GetByLabel("Observations (signes vitaux, résultats de laboratoire)", new() { Exact = true }).CheckAsync();
            await page.GetByLabel("soins", new() { Exact = true }).CheckAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Donner accès" }).ClickAsync();
            await Assertions.Expect(page.Locator("#message")).ToHaveTextAsync("Accès donné.");
            await Assertions.Expect(page.Locator("#consents")).ToContainTextAsync("actif (v1)");
            await Assertions.Expect(page.Locator("#consents tbody tr")).ToContainTextAsync("Observations (signes vitaux, résultats de laboratoire)");
            await Assertions.Expect(page.Locator("#consents tbody tr")).ToContainTextAsync("lire les dossiers");
            await AccessibilityCheck.AssertNoSeriousViolationsAsync(page);

            // Post/Redirect/Get: the page after the grant is a GET, so a reload neither asks to resend the form nor
            // grants twice; the message was shown once.
            Assert.EndsWith("/my/consents", new Uri(page.Url).AbsolutePath, StringComparison.Ordinal);
            await page.ReloadAsync();
            await Assertions.Expect(page.Locator("#message")).ToHaveCountAsync(0);
            await Assertions.Expect(page.Locator("#consents tbody tr")).ToHaveCountAsync(1);
        });
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
