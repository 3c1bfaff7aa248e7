using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Platform.Consent.Data;
using Platform.Contracts.Events;
using Platform.Identity.Accounts;
using Platform.Identity.Testing;
using Platform.Messaging;
using Platform.Testing;
using Platform.Testing.Browser;
using static Platform.Consent.Service.Tests.Research.ResearchPeople;

namespace Platform.Consent.Service.Tests.Research;

/// <summary>
/// The patients' research page (<c>/my/research</c>) in headless Chromium: a study's terms as declared, taking part and
/// stopping with one button each (the opt-in then shows as a research consent), drawn by the design system, accessible,
/// usable on a phone; and the exports that included the patient's data (the record vault's event, as the consent
/// service receives it), listed to that patient only.
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

    [Fact]
    public async Task A_patient_sees_the_exports_that_included_their_data_and_nothing_of_other_participants()
    {
        var reviewer = await ReviewerAsync(platform);
        var (organisation, representative) = await OrganisationAsync(platform, verifiedBy: reviewer);
        var title = "Kidney function over time " + Guid.NewGuid().ToString("N")[..6];
        var (_, study) = await platform.CallAsync(HttpMethod.Post, $"/research/organisations/{organisation}/studies", representative, Study(title: title));
        var studyId = Guid.Parse(study.GetProperty("id").GetString()!);

        // Ann takes part; Ben took part but stopped before the export, so the vault's consent set did not hold him.
        var ann = await TestAccounts.CreateAsync(platform.Identity.Service.Services, PlatformRoles.Patient, enrolTotp: false);
        var ben = await TestAccounts.CreateAsync(platform.Identity.Service.Services, PlatformRoles.Patient, enrolTotp: false);
        var (_, annOptIn) = await platform.CallAsync(HttpMethod.Post, $"/research/studies/{studyId}/opt-in", await platform.UserTokenAsync(ann), new { });
        var benToken = await platform.UserTokenAsync(ben);
        var (_, benOptIn) = await platform.CallAsync(HttpMethod.Post, $"/research/studies/{studyId}/opt-in", benToken, new { });
        await platform.CallAsync(HttpMethod.Post, $"/research/studies/{studyId}/opt-out", benToken, new { });
        var annConsent = Guid.Parse(annOptIn.GetProperty("id").GetString()!);
        var benConsent = Guid.Parse(benOptIn.GetProperty("id").GetString()!);

        // The vault's event once the manifest is on the ledger: Ann's opt-in, and an id that is no opt-in to this study
        // (the handler keeps only the study's own opt-ins).
        var exportId = Guid.NewGuid();
        var exportedAt = new DateTimeOffset(2026, 11, 30, 10, 15, 0, TimeSpan.Zero);
        await platform.Broker.PublishAsync(EventSerializer.ToOutgoing(new ResearchExportIncludedV1(exportId, studyId, exportedAt.ToUnixTimeMilliseconds(),
            new string('a', 64), 4242, [annConsent, Guid.NewGuid()]) { Source = "record-vault" }));
        await Eventually.TrueAsync(async () =>
        {
            using var scope = platform.Consent.Services.CreateScope();
            return await scope.ServiceProvider.GetRequiredService<ConsentDbContext>().ResearchExportInclusions.AnyAsync(i => i.ExportId == exportId);
        }, "the consent service recorded the export's inclusions");
        using (var scope = platform.Consent.Services.CreateScope())
        {
            var inclusions = await scope.ServiceProvider.GetRequiredService<ConsentDbContext>().ResearchExportInclusions.AsNoTracking()
                .Where(i => i.ExportId == exportId).ToListAsync();
            Assert.Equal([annConsent], inclusions.Select(i => i.ConsentId));
        }

        await using var context = await _browser!.NewContextAsync(new() { Locale = "en-GB" });
        context.SetDefaultTimeout(30_000);
        var page = await context.NewPageAsync();
        await BrowserSteps.WithScreenshotOnFailureAsync(page, async () =>
        {
            await SignInAsync(page, ann);
            var row = page.Locator($"#exports [data-export-id='{exportId}']");
            await Assertions.Expect(row).ToContainTextAsync(title);
            await Assertions.Expect(row).ToContainTextAsync("Institute of Synthetic Cohorts Ltd (DE)");
            await Assertions.Expect(row).ToContainTextAsync("2026-11-30");
            await Assertions.Expect(row).ToContainTextAsync("Recorded (entry 4242)");
            await Assertions.Expect(page.Locator("#exports tbody tr")).ToHaveCountAsync(1);
            // Nothing of the other participants: no id, no opt-in, no count.
            var html = await page.ContentAsync();
            Assert.DoesNotContain(ben.Id, html, StringComparison.Ordinal);
            Assert.DoesNotContain(benConsent.ToString(), html, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(benConsent.ToString("N"), html, StringComparison.OrdinalIgnoreCase);
            await DesignSystemCheck.AssertAsync(page);
            await DesignSystemCheck.AssertNoSidewaysScrollOnPhoneAsync(page);
            await AccessibilityCheck.AssertNoSeriousViolationsAsync(page);
        });

        // Ben, whose opt-in was revoked before the export, is not shown it as including him.
        await using var benContext = await _browser!.NewContextAsync(new() { Locale = "en-GB" });
        benContext.SetDefaultTimeout(30_000);
        var benPage = await benContext.NewPageAsync();
        await BrowserSteps.WithScreenshotOnFailureAsync(benPage, async () =>
        {
            await SignInAsync(benPage, ben);
            await Assertions.Expect(benPage.Locator("#no-exports")).ToHaveTextAsync("No export has included your data yet.");
            await Assertions.Expect(benPage.Locator("#exports")).ToHaveCountAsync(0);
            await AccessibilityCheck.AssertNoSeriousViolationsAsync(benPage);
        });
    }

    [Fact]
    public async Task A_patient_sees_their_compensation_credits_in_their_language_with_the_ledgers_status()
    {
        var reviewer = await ReviewerAsync(platform);
        var (organisation, representative) = await OrganisationAsync(platform, verifiedBy: reviewer);
        var title = "Asthma and air quality " + Guid.NewGuid().ToString("N")[..6];
        var (_, study) = await platform.CallAsync(HttpMethod.Post, $"/research/organisations/{organisation}/studies", representative,
            Study(title: title, compensation: new { basis = "per-export", amountMinor = 1250, currency = "EUR" }));
        var studyId = Guid.Parse(study.GetProperty("id").GetString()!);
        var ann = await TestAccounts.CreateAsync(platform.Identity.Service.Services, PlatformRoles.Patient, enrolTotp: false);
        var (_, optIn) = await platform.CallAsync(HttpMethod.Post, $"/research/studies/{studyId}/opt-in", await platform.UserTokenAsync(ann), new { });
        var annConsent = Guid.Parse(optIn.GetProperty("id").GetString()!);

        // Two exports included Ann: two credits, each committed to the ledger; then the second one's receipt is taken
        // away, as it is while the ledger has not answered yet.
        var firstExport = Guid.NewGuid();
        var secondExport = Guid.NewGuid();
        await platform.Broker.PublishAsync(EventSerializer.ToOutgoing(new ResearchExportIncludedV1(firstExport, studyId,
            new DateTimeOffset(2026, 11, 2, 9, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds(), new string('c', 64), 11, [annConsent]) { Source = "record-vault" }));
        await platform.Broker.PublishAsync(EventSerializer.ToOutgoing(new ResearchExportIncludedV1(secondExport, studyId,
            new DateTimeOffset(2026, 11, 30, 9, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds(), new string('d', 64), 12, [annConsent]) { Source = "record-vault" }));
        List<ResearchCreditRow> credits = [];
        await Eventually.TrueAsync(async () =>
        {
            using var scope = platform.Consent.Services.CreateScope();
            credits = await scope.ServiceProvider.GetRequiredService<ConsentDbContext>().ResearchCredits.AsNoTracking()
                .Where(c => c.ConsentId == annConsent).ToListAsync();
            return credits.Count == 2 && credits.TrueForAll(c => c.LeafIndex is not null);
        }, "both credits are on the ledger", TimeSpan.FromSeconds(30));
        var committed = credits.Single(c => c.ExportId == firstExport);
        var waiting = credits.Single(c => c.ExportId == secondExport);
        using (var scope = platform.Consent.Services.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<ConsentDbContext>().ResearchCredits.Where(c => c.Id == waiting.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.Receipt, (string?)null).SetProperty(c => c.LeafIndex, (long?)null));
        }

        await using var context = await _browser!.NewContextAsync(new() { Locale = "en-GB" });
        context.SetDefaultTimeout(30_000);
        var page = await context.NewPageAsync();
        await BrowserSteps.WithScreenshotOnFailureAsync(page, async () =>
        {
            await SignInAsync(page, ann);
            await Assertions.Expect(page.Locator("#credits tbody tr")).ToHaveCountAsync(2);
            var first = page.Locator($"#credits [data-credit-id='{committed.Id}']");
            await Assertions.Expect(first).ToContainTextAsync(title);
            await Assertions.Expect(first).ToContainTextAsync("12.50 EUR");
            await Assertions.Expect(first).ToContainTextAsync("this export of your records");
            await Assertions.Expect(first).ToContainTextAsync("2026-11-02");
            await Assertions.Expect(first).ToContainTextAsync($"On the ledger (entry {committed.LeafIndex})");
            var second = page.Locator($"#credits [data-credit-id='{waiting.Id}']");
            await Assertions.Expect(second).ToContainTextAsync("2026-11-30");
            await Assertions.Expect(second).ToContainTextAsync("Waiting for the ledger");
            // Newest export first.
            await Assertions.Expect(page.Locator("#credits tbody tr").First).ToHaveAttributeAsync("data-credit-id", waiting.Id.ToString());
            await DesignSystemCheck.AssertAsync(page);
            await DesignSystemCheck.AssertNoSidewaysScrollOnPhoneAsync(page);
            await AccessibilityCheck.AssertNoSeriousViolationsAsync(page);
        });

        // A French browser: the words and the decimal mark follow the language.
        await using var french = await _browser!.NewContextAsync(new() { Locale = "fr-FR" });
        french.SetDefaultTimeout(30_000);
        var frenchPage = await french.NewPageAsync();
        await BrowserSteps.WithScreenshotOnFailureAsync(frenchPage, async () =>
        {
            await frenchPage.GotoAsync(new Uri(platform.Consent.Client.BaseAddress!, "/my/research").AbsoluteUri);
            await BrowserSteps.WaitForPathAsync(frenchPage, "/account/login");
            await BrowserSteps.SignInAsync(frenchPage, ann.Email, ann.Password);
            await BrowserSteps.WaitForPathAsync(frenchPage, "/my/research");
            var first = frenchPage.Locator($"#credits [data-credit-id='{committed.Id}']");
            await Assertions.Expect(first).ToContainTextAsync("12,50 EUR");
            await Assertions.Expect(first).ToContainTextAsync("cet export de vos dossiers");
            await Assertions.Expect(first).ToContainTextAsync($"Dans le registre (entrée {committed.LeafIndex})");
            await Assertions.Expect(frenchPage.Locator($"#credits [data-credit-id='{waiting.Id}']")).ToContainTextAsync("En attente du registre");
            await Assertions.Expect(frenchPage.Locator("#credits-heading")).ToHaveTextAsync("Votre compensation");
            await AccessibilityCheck.AssertNoSeriousViolationsAsync(frenchPage);
        });

        // Another patient of the platform sees none of Ann's credits.
        var ben = await TestAccounts.CreateAsync(platform.Identity.Service.Services, PlatformRoles.Patient, enrolTotp: false);
        await using var benContext = await _browser!.NewContextAsync(new() { Locale = "en-GB" });
        benContext.SetDefaultTimeout(30_000);
        var benPage = await benContext.NewPageAsync();
        await BrowserSteps.WithScreenshotOnFailureAsync(benPage, async () =>
        {
            await SignInAsync(benPage, ben);
            await Assertions.Expect(benPage.Locator("#no-credits")).ToHaveTextAsync("No compensation has been credited to you yet.");
            await Assertions.Expect(benPage.Locator("#credits")).ToHaveCountAsync(0);
        });
    }

    private async Task SignInAsync(IPage page, TestAccount account)
    {
        await page.GotoAsync(new Uri(platform.Consent.Client.BaseAddress!, "/my/research").AbsoluteUri);
        await BrowserSteps.WaitForPathAsync(page, "/account/login");
        await page.GetByLabel("E-mail address", new() { Exact = true }).FillAsync(account.Email);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(account.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await BrowserSteps.WaitForPathAsync(page, "/my/research");
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
