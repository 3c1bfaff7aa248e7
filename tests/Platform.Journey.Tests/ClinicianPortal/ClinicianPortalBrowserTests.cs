using Microsoft.Playwright;
using Platform.Identity.Accounts;
using Platform.Identity.Testing;
using Platform.Testing.Browser;
using static Microsoft.Playwright.Assertions;

namespace Platform.Journey.Tests.ClinicianPortal;

/// <summary>
/// The clinician portal in Chromium, as people use it: the clinician signs in (password and TOTP at the identity
/// service), asks a patient for access, the patient approves it on the consent service's page, the clinician reads the
/// record, and once the approved window has passed is refused; and a break-glass read with its warning and reason.
/// Every portal page is checked with axe-core.
/// </summary>
public sealed class ClinicianPortalBrowserTests(PortalPlatform platform) : IClassFixture<PortalPlatform>
{
    private const string ApiScope = "openid roles records consent.manage";
    private const string EmergencyReason = "Unconscious in A&E \u2014 allergy status needed before treatment";

    [Fact]
    public async Task A_clinician_requests_access_the_patient_approves_the_clinician_reads_and_after_the_window_is_refused()
    {
        var clinician = await TestAccounts.CreateAsync(platform.IdentityServices, PlatformRoles.Clinician);
        var patient = await TestAccounts.CreateAsync(platform.IdentityServices, PlatformRoles.Patient, enrolTotp: false);
        var record = await platform.CreateObservationAsync(patient, await platform.TokenAsync(patient, ApiScope), "Blood pressure 120 over 80");

        var (clinicianContext, page) = await platform.NewPageAsync();
        await using var _ = clinicianContext;
        await BrowserSteps.WithScreenshotOnFailureAsync(page, async () =>
        {
            await PortalSteps.SignInAsClinicianAsync(platform, page, clinician);
            await Expect(page.Locator("#no-patients")).ToBeVisibleAsync();
            // The clinician's own id, which a patient names when giving access, is on the home page.
            await Expect(page.Locator("#your-id code")).ToHaveTextAsync(clinician.Id);
            await AccessibilityCheck.AssertNoSeriousViolationsAsync(page);

            // Before any consent the chart refuses in words and shows every category as withheld.
            await page.GotoAsync(new Uri(platform.Portal, $"patients/{patient.Id}").AbsoluteUri);
            await Expect(page.Locator("#error")).ToContainTextAsync("has not given you access");
            await Expect(page.Locator("[data-withheld=observation]")).ToBeVisibleAsync();

            await page.GetByRole(AriaRole.Link, new() { Name = "Request access", Exact = true }).ClickAsync();
            await BrowserSteps.WaitForPathAsync(page, "/request-access");
            await page.GetByLabel("Patient id").FillAsync(patient.Id);
            await page.GetByLabel("Observations (vital signs, laboratory results)").CheckAsync();
            await page.GetByLabel("For how long").SelectOptionAsync("60");
            await AccessibilityCheck.AssertNoSeriousViolationsAsync(page);
            await BrowserSteps.ScreenshotForDocsAsync(page, "clinician-portal-request-access");
            var sent = await page.RunAndWaitForResponseAsync(
                () => page.GetByRole(AriaRole.Button, new() { Name = "Send the request" }).ClickAsync(),
                r => r.Request.Method == "POST" && new Uri(r.Url).AbsolutePath == "/request-access");
            // Post/Redirect/Get: the request that worked answers 303; the page shown is a GET, its message said once.
            Assert.Equal(303, sent.Status);
            await Expect(page.Locator("#message")).ToContainTextAsync("Request sent");
            await page.ReloadAsync();
            await Expect(page.Locator("#message")).ToHaveCountAsync(0);
            await page.GetByRole(AriaRole.Link, new() { Name = "My patients" }).ClickAsync();
            // The reload sent nothing: one request, not two.
            await Expect(page.Locator("#requests tbody tr")).ToHaveCountAsync(1);
        });

        // The patient answers on the consent service's page, in a browser of their own.
        var (patientContext, patientPage) = await platform.NewPageAsync();
        await using var __ = patientContext;
        await BrowserSteps.WithScreenshotOnFailureAsync(patientPage, async () =>
        {
            await PortalSteps.SignInAsPatientAtAsync(patientPage, new Uri(platform.Consent, "my/requests"), patient);
            var pending = patientPage.Locator("#pending-requests li");
            await Expect(pending).ToHaveCountAsync(1);
            await Expect(pending).ToContainTextAsync(clinician.Id);
            await Expect(pending).ToContainTextAsync("1 hour from when you say yes");
            await AccessibilityCheck.AssertNoSeriousViolationsAsync(patientPage);
            await BrowserSteps.ScreenshotForDocsAsync(patientPage, "patient-access-requests");
            await patientPage.GetByRole(AriaRole.Button, new() { Name = "Approve for 1 hour" }).ClickAsync();
            await Expect(patientPage.Locator("#message")).ToContainTextAsync($"Access given to clinician {clinician.Id}");
            await Expect(patientPage.Locator("#no-requests")).ToBeVisibleAsync();
        });

        await BrowserSteps.WithScreenshotOnFailureAsync(page, async () =>
        {
            await page.GetByRole(AriaRole.Link, new() { Name = "My patients" }).ClickAsync();
            await BrowserSteps.WaitForPathAsync(page, "/");
            await Expect(page.Locator($"#patients tr[data-patient='{patient.Id}']")).ToBeVisibleAsync();
            await Expect(page.Locator("#requests")).ToContainTextAsync("approved");
            await AccessibilityCheck.AssertNoSeriousViolationsAsync(page);
            await BrowserSteps.ScreenshotForDocsAsync(page, "clinician-portal-my-patients");

            await page.GetByRole(AriaRole.Link, new() { Name = patient.Id }).ClickAsync();
            await BrowserSteps.WaitForPathAsync(page, $"/patients/{patient.Id}");
            await Expect(page.Locator("section[data-category=observation] li")).ToHaveCountAsync(1);
            // Granted categories are not listed as withheld; the others are, sensitive ones included.
            await Expect(page.Locator("[data-withheld=observation]")).ToHaveCountAsync(0);
            await Expect(page.Locator("[data-withheld=mental-health]")).ToContainTextAsync("withheld");
            await AccessibilityCheck.AssertNoSeriousViolationsAsync(page);
            await BrowserSteps.ScreenshotForDocsAsync(page, "clinician-portal-chart");

            await page.Locator($"li[data-record-id='{record}'] a").ClickAsync();
            await BrowserSteps.WaitForPathAsync(page, $"/patients/{patient.Id}/records/{record}");
            await Expect(page.Locator("#record-content")).ToContainTextAsync("Blood pressure 120 over 80");
            await AccessibilityCheck.AssertNoSeriousViolationsAsync(page);

            // The hour the patient approved has passed (on the consent service's clock): the same read is refused.
            platform.ConsentClock.Offset = TimeSpan.FromMinutes(61);
            var again = await page.ReloadAsync();
            // The vault answers a refused clinician as for a missing record (finding 12); the portal passes that on.
            Assert.Equal(404, again!.Status);
            await Expect(page.Locator("#error")).ToContainTextAsync("your access has ended");
            await Expect(page.Locator("#record-content")).ToHaveCountAsync(0);

            await page.GetByRole(AriaRole.Link, new() { Name = "My patients" }).ClickAsync();
            await Expect(page.Locator("#no-patients")).ToBeVisibleAsync();

            await page.GetByRole(AriaRole.Link, new() { Name = "My access history" }).ClickAsync();
            await BrowserSteps.WaitForPathAsync(page, "/history");
            await Expect(page.Locator("#accesses tr[data-outcome=permit]")).ToHaveCountAsync(1);
            await Expect(page.Locator("#accesses tr[data-outcome=deny]")).ToHaveCountAsync(1);
            await AccessibilityCheck.AssertNoSeriousViolationsAsync(page);
        });
        platform.ConsentClock.Offset = TimeSpan.Zero;
    }

    [Fact]
    public async Task A_break_glass_read_needs_a_reason_shows_its_warning_and_is_flagged_for_the_patient()
    {
        var clinician = await TestAccounts.CreateAsync(platform.IdentityServices, PlatformRoles.Clinician);
        var patient = await TestAccounts.CreateAsync(platform.IdentityServices, PlatformRoles.Patient, enrolTotp: false);
        var patientToken = await platform.TokenAsync(patient, ApiScope);
        var record = await platform.CreateObservationAsync(patient, patientToken, "Allergic to penicillin");

        var (context, page) = await platform.NewPageAsync();
        await using var _ = context;
        await BrowserSteps.WithScreenshotOnFailureAsync(page, async () =>
        {
            await PortalSteps.SignInAsClinicianAsync(platform, page, clinician);
            await page.GetByRole(AriaRole.Link, new() { Name = "Emergency access" }).ClickAsync();
            await BrowserSteps.WaitForPathAsync(page, "/break-glass");
            await Expect(page.Locator("#break-glass-warning")).ToContainTextAsync("has not shared with you");
            await AccessibilityCheck.AssertNoSeriousViolationsAsync(page);

            // Without a reason the portal does not ask the vault at all.
            await page.GetByLabel("Patient id").FillAsync(patient.Id);
            await page.GetByLabel("Record id").FillAsync(record);
            await page.GetByLabel("Why is this an emergency? (required)").EvaluateAsync("e => e.removeAttribute('required')");
            await page.GetByLabel("I understand that this access is recorded, the patient is told, and it will be reviewed").CheckAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Break the glass and read the record" }).ClickAsync();
            await Expect(page.Locator("#error")).ToContainTextAsync("Say why this is an emergency");
            Assert.Empty(await ClinicianEntriesAsync(patient, patientToken, clinician));

            await page.GetByLabel("Record id").FillAsync(record);
            await page.GetByLabel("Why is this an emergency? (required)").FillAsync(EmergencyReason);
            await page.GetByLabel("I understand that this access is recorded, the patient is told, and it will be reviewed").CheckAsync();
            await BrowserSteps.ScreenshotForDocsAsync(page, "clinician-portal-break-glass");
            await page.GetByRole(AriaRole.Button, new() { Name = "Break the glass and read the record" }).ClickAsync();
            await Expect(page.Locator("#message")).ToContainTextAsync("Emergency access recorded");
            await Expect(page.Locator("#record-content")).ToContainTextAsync("Allergic to penicillin");
            // Post/Redirect/Get: the record is shown on a GET page; reloading it shows the record again without a
            // second emergency read (the patient's log below holds exactly one entry of this clinician).
            Assert.Contains("read=", new Uri(page.Url).Query, StringComparison.Ordinal);
            var reloaded = await page.ReloadAsync();
            Assert.Equal(200, reloaded!.Status);
            await Expect(page.Locator("#record-content")).ToContainTextAsync("Allergic to penicillin");
            // Another clinician's browser with the same address sees nothing of it.
            var other = await TestAccounts.CreateAsync(platform.IdentityServices, PlatformRoles.Clinician);
            var (otherContext, otherPage) = await platform.NewPageAsync();
            await using (otherContext)
            {
                await PortalSteps.SignInAsClinicianAsync(platform, otherPage, other);
                var stranger = await otherPage.GotoAsync(page.Url);
                Assert.Equal(404, stranger!.Status);
                await Expect(otherPage.Locator("#record-content")).ToHaveCountAsync(0);
            }

            await page.GetByRole(AriaRole.Link, new() { Name = "My access history" }).ClickAsync();
            await Expect(page.Locator("#accesses tr[data-outcome=break-glass]")).ToContainTextAsync("emergency access");
            await Expect(page.Locator("#accesses tr[data-outcome=break-glass] [data-break-glass-reason]")).ToContainTextAsync(EmergencyReason);
            await AccessibilityCheck.AssertNoSeriousViolationsAsync(page);
        });
        // The patient's own upload is in their log too; the clinician's one entry is the break-glass read.
        var entry = Assert.Single(await ClinicianEntriesAsync(patient, patientToken, clinician));
        Assert.Equal("break-glass", entry.GetProperty("outcome").GetString());
        Assert.Equal(record, entry.GetProperty("recordId").GetString());
        // The reason the clinician typed reaches the patient's access log word for word (non-ASCII included).
        Assert.Equal(EmergencyReason, entry.GetProperty("breakGlassReason").GetString());
    }

    /// <summary>A moment as French pages write it: "3 décembre 2026 à 14:05 UTC" (French month names, not English).</summary>
    private const string FrenchMoment = @"\b\d{1,2} (janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre) \d{4} à \d{2}:\d{2} UTC\b";

    [Fact]
    public async Task In_French_the_portal_home_speaks_French_and_stays_accessible()
    {
        var clinician = await TestAccounts.CreateAsync(platform.IdentityServices, PlatformRoles.Clinician);
        var patient = await TestAccounts.CreateAsync(platform.IdentityServices, PlatformRoles.Patient, enrolTotp: false);
        // A French browser: Chromium sends Accept-Language: fr-FR,fr. The sign-in pages are filled in by their fields' ids.
        var (context, page) = await platform.NewPageAsync("fr-FR");
        await using var _ = context;
        await BrowserSteps.WithScreenshotOnFailureAsync(page, async () =>
        {
            await page.GotoAsync(platform.Portal.AbsoluteUri);
            await BrowserSteps.WaitForPathAsync(page, "/account/login");
            await BrowserSteps.SignInAsync(page, clinician.Email, clinician.Password);
            await BrowserSteps.WaitForPathAsync(page, "/account/login-2fa");
            await page.Locator("#code").FillAsync(clinician.NextCode());
            await page.Locator("main form button[type=submit]").ClickAsync();
            await Expect(page).ToHaveURLAsync(platform.Portal.AbsoluteUri);

            Assert.Equal("fr", await page.Locator("html").GetAttributeAsync("lang"));
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Mes patients", Level = 1 })).ToBeVisibleAsync();
            await Expect(page.Locator("#no-patients")).ToContainTextAsync("Aucun patient ne vous a donné accès pour le moment.");
            // The header's links are worded per request, not once at start-up.
            await Expect(page.GetByRole(AriaRole.Navigation).GetByRole(AriaRole.Link, new() { Name = "Demander l'accès", Exact = true })).ToHaveCountAsync(1);
            await AccessibilityCheck.AssertNoSeriousViolationsAsync(page);
            await BrowserSteps.ScreenshotForDocsAsync(page, "clinician-portal-fr");

            // Record categories and purposes by their French names; the request's end date in French.
            await page.GetByRole(AriaRole.Link, new() { Name = "Demander l'accès", Exact = true }).ClickAsync();
            await BrowserSteps.WaitForPathAsync(page, "/request-access");
            await page.Locator("#patient").FillAsync(patient.Id);
            await page.GetByLabel("Observations (signes vitaux, résultats de laboratoire)", new() { Exact = true }).CheckAsync();
            await Expect(page.GetByLabel("soins", new() { Exact = true })).ToBeCheckedAsync();
            await AccessibilityCheck.AssertNoSeriousViolationsAsync(page);
            await page.Locator("main form button[type=submit]").ClickAsync();
            await Expect(page.Locator("#message")).ToContainTextAsync(patient.Id);
            Assert.Matches(FrenchMoment, await page.Locator("#message").TextContentAsync() ?? "");
            await page.GotoAsync(platform.Portal.AbsoluteUri);
            await Expect(page.Locator("#requests tbody tr")).ToContainTextAsync("Observations (signes vitaux, résultats de laboratoire)");
        });
    }

    private async Task<List<System.Text.Json.JsonElement>> ClinicianEntriesAsync(TestAccount patient, string patientToken, TestAccount clinician) =>
        [.. (await platform.AccessLogAsync(patient, patientToken)).EnumerateArray().Where(e => e.GetProperty("actor").GetString() == clinician.Id)];
}
