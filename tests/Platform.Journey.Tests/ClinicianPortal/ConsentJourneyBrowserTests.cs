using Microsoft.Playwright;
using Platform.Identity.Accounts;
using Platform.Identity.Testing;
using Platform.Testing.Browser;
using static Microsoft.Playwright.Assertions;

namespace Platform.Journey.Tests.ClinicianPortal;

/// <summary>
/// Consent given and taken back by the patient, in Chromium: the patient grants a clinician their observations on
/// the consent service's <c>/my/consents</c>, the clinician finds the patient and reads the record in the clinician
/// portal, the patient revokes, and the clinician's next read ends on the portal's refusal. Every page visited passes
/// axe-core.
/// </summary>
public sealed class ConsentJourneyBrowserTests(PortalPlatform platform) : IClassFixture<PortalPlatform>
{
    private const string ObservationsLabel = "Observations (vital signs, laboratory results)";

    [Fact]
    public async Task A_patient_grants_the_clinician_reads_the_patient_revokes_and_the_clinician_is_refused()
    {
        var clinician = await TestAccounts.CreateAsync(platform.IdentityServices, PlatformRoles.Clinician);
        var patient = await TestAccounts.CreateAsync(platform.IdentityServices, PlatformRoles.Patient, enrolTotp: false);
        var record = await platform.CreateObservationAsync(patient, await platform.TokenAsync(patient, "openid roles records"), "Cholesterol 4.2 mmol/L");

        var (patientContext, patientPage) = await platform.NewPageAsync();
        await using var _ = patientContext;
        await BrowserSteps.WithScreenshotOnFailureAsync(patientPage, async () =>
        {
            await PortalSteps.SignInAsPatientAtAsync(patientPage, new Uri(platform.Consent, "my/consents"), patient);
            await Expect(patientPage.Locator("#no-consents")).ToBeVisibleAsync();
            await patientPage.GetByLabel("Who", new() { Exact = true }).SelectOptionAsync("practitioner");
            await patientPage.GetByLabel("Their id").FillAsync(clinician.Id);
            await patientPage.GetByLabel(ObservationsLabel, new() { Exact = true }).CheckAsync();
            await patientPage.GetByLabel("treatment", new() { Exact = true }).CheckAsync();
            await AccessibilityCheck.AssertNoSeriousViolationsAsync(patientPage);
            await patientPage.GetByRole(AriaRole.Button, new() { Name = "Give access" }).ClickAsync();
            await Expect(patientPage.Locator("#message")).ToContainTextAsync("Access given");
            var row = patientPage.Locator("#consents tbody tr");
            await Expect(row).ToHaveCountAsync(1);
            await Expect(row).ToContainTextAsync(clinician.Id);
            await Expect(row).ToContainTextAsync("Observations (vital signs, laboratory results)");
            await AccessibilityCheck.AssertNoSeriousViolationsAsync(patientPage);
        });

        var (clinicianContext, page) = await platform.NewPageAsync();
        await using var __ = clinicianContext;
        var recordUrl = new Uri(platform.Portal, $"patients/{patient.Id}/records/{record}");
        await BrowserSteps.WithScreenshotOnFailureAsync(page, async () =>
        {
            await PortalSteps.SignInAsClinicianAsync(platform, page, clinician);
            var listed = page.Locator($"#patients tr[data-patient='{patient.Id}']");
            await Expect(listed).ToBeVisibleAsync();
            await Expect(listed).ToContainTextAsync("no end");
            await AccessibilityCheck.AssertNoSeriousViolationsAsync(page);

            await page.GetByRole(AriaRole.Link, new() { Name = patient.Id }).ClickAsync();
            await BrowserSteps.WaitForPathAsync(page, $"/patients/{patient.Id}");
            await Expect(page.Locator("section[data-category=observation] li")).ToHaveCountAsync(1);
            await Expect(page.Locator("[data-withheld=observation]")).ToHaveCountAsync(0);
            await AccessibilityCheck.AssertNoSeriousViolationsAsync(page);

            await page.Locator($"li[data-record-id='{record}'] a").ClickAsync();
            await BrowserSteps.WaitForPathAsync(page, recordUrl.AbsolutePath);
            await Expect(page.Locator("#record-content")).ToContainTextAsync("Cholesterol 4.2 mmol/L");
            await AccessibilityCheck.AssertNoSeriousViolationsAsync(page);
        });

        // The patient changes their mind.
        await BrowserSteps.WithScreenshotOnFailureAsync(patientPage, async () =>
        {
            // A fresh GET: the page answers its POSTs in place, so a reload would send the grant again.
            await patientPage.GotoAsync(new Uri(platform.Consent, "my/consents").AbsoluteUri);
            var row = patientPage.Locator("#consents tbody tr");
            await Expect(row).ToHaveCountAsync(1);
            await row.GetByRole(AriaRole.Button, new() { Name = "Revoke" }).ClickAsync();
            await Expect(patientPage.Locator("#message")).ToContainTextAsync("Access revoked");
            await Expect(row).ToContainTextAsync("revoked");
            await Expect(row.GetByRole(AriaRole.Button, new() { Name = "Revoke" })).ToHaveCountAsync(0);
            await AccessibilityCheck.AssertNoSeriousViolationsAsync(patientPage);
        });

        await BrowserSteps.WithScreenshotOnFailureAsync(page, async () =>
        {
            // The same read, a moment later: refused in words, nothing of the record on the page.
            var again = await page.GotoAsync(recordUrl.AbsoluteUri);
            Assert.Equal(404, again!.Status);
            await Expect(page.Locator("#error")).ToContainTextAsync("You cannot read this record");
            await Expect(page.Locator("#record-content")).ToHaveCountAsync(0);
            await Expect(page.GetByText("Cholesterol")).ToHaveCountAsync(0);
            await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Ask this patient for access" })).ToBeVisibleAsync();
            await AccessibilityCheck.AssertNoSeriousViolationsAsync(page);
            await BrowserSteps.ScreenshotForDocsAsync(page, "clinician-portal-refused");

            await page.GetByRole(AriaRole.Link, new() { Name = "Back to the chart" }).ClickAsync();
            await BrowserSteps.WaitForPathAsync(page, $"/patients/{patient.Id}");
            await Expect(page.Locator("#error")).ToContainTextAsync("has not given you access");
            await Expect(page.Locator("[data-withheld=observation]")).ToBeVisibleAsync();

            await page.GetByRole(AriaRole.Link, new() { Name = "My patients" }).ClickAsync();
            await Expect(page.Locator("#no-patients")).ToBeVisibleAsync();

            await page.GetByRole(AriaRole.Link, new() { Name = "My access history" }).ClickAsync();
            await BrowserSteps.WaitForPathAsync(page, "/history");
            await Expect(page.Locator("#accesses tr[data-outcome=permit]")).ToHaveCountAsync(1);
            await Expect(page.Locator("#accesses tr[data-outcome=deny]")).ToHaveCountAsync(1);
        });
    }
}
