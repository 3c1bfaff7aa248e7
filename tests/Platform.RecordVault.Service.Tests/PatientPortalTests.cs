using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Hl7.Fhir.Serialization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Platform.Identity.Accounts;
using Platform.Identity.Testing;
using Platform.Ledger.Verification;
using Platform.Testing;
using Platform.Testing.Browser;
using R4 = Hl7.Fhir.Model;

namespace Platform.RecordVault.Service.Tests;

/// <summary>
/// The patient portal (/my on the vault) in Chromium: sign-in through the identity service, records rendered by
/// category, a record's versions, upload, erase, the access log with a break-glass read marked and its receipt
/// verified (and downloadable for <c>ledger verify</c>), notifications, export. Every page is checked with axe-core,
/// and the pages' reads are audited exactly as the API's.
/// </summary>
[Collection(VaultCollection.Name)]
public sealed class PatientPortalTests(VaultPlatform platform, PortalBrowser browser) : IClassFixture<PortalBrowser>
{
    private static StringContent Fhir(string json) => new(json, Encoding.UTF8, "application/fhir+json");

    private const string Pulse =
        """{"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"8867-4","display":"Heart rate"}],"text":"Heart rate"},"effectiveDateTime":"2026-11-02T09:30:00Z","valueQuantity":{"value":72,"unit":"beats/minute","system":"http://unitsofmeasure.org","code":"/min"}}""";

    [Fact]
    public async Task A_patient_reads_records_by_category_and_sees_a_break_glass_read_flagged_with_a_verified_receipt()
    {
        var (patient, patientToken) = await platform.UserAsync(PlatformRoles.Patient);
        var (clinician, clinicianToken) = await platform.UserAsync(PlatformRoles.Clinician);
        var (_, pulse, _) = await platform.VaultAsync(HttpMethod.Post, $"/patients/{patient.Id}/records", patientToken, Fhir(Pulse));
        var pulseId = pulse.GetProperty("id").GetString()!;
        await platform.VaultAsync(HttpMethod.Put, $"/records/{pulseId}", patientToken, Fhir(Pulse.Replace("\"value\":72", "\"value\":68", StringComparison.Ordinal)));
        await platform.VaultAsync(HttpMethod.Post, $"/patients/{patient.Id}/records", patientToken,
            Fhir("""{"resourceType":"Condition","subject":{"display":"x"},"code":{"text":"Asthma"},"clinicalStatus":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/condition-clinical","code":"active"}]},"onsetDateTime":"2019-04-01"}"""));
        await platform.VaultAsync(HttpMethod.Post, $"/patients/{patient.Id}/records", patientToken,
            Fhir("""{"resourceType":"Immunization","status":"completed","vaccineCode":{"text":"Influenza vaccine"},"patient":{"display":"x"},"occurrenceDateTime":"2026-10-01"}"""));
        // The reason in the clinician's words, non-ASCII included (sent percent-encoded, shown decoded).
        const string emergencyReason = "Arrhythmia in A&E \u2013 baseline heart rate needed";
        var emergency = new Dictionary<string, string>
        {
            ["X-Purpose-Of-Use"] = "ETREAT", ["X-Break-Glass"] = "true", ["X-Break-Glass-Reason"] = Uri.EscapeDataString(emergencyReason),
        };
        Assert.Equal(HttpStatusCode.OK, (await platform.VaultAsync(HttpMethod.Get, $"/records/{pulseId}", clinicianToken, headers: emergency)).Status);

        var (context, page) = await browser.NewPageAsync(platform.Vault.Client.BaseAddress!);
        await using var _ = context;
        await BrowserSteps.WithScreenshotOnFailureAsync(page, async () =>
        {
            await SignInAtAsync(page, patient, "/my");
            Assert.Contains("3 records", await page.Locator("#record-count").InnerTextAsync(), StringComparison.Ordinal);
            // The id a clinician needs to ask for access is on the page (the walkthrough needs no terminal for it).
            await Assertions.Expect(page.Locator("#your-id code")).ToHaveTextAsync(patient.Id);
            // One navigation across services: the consents link leads to the consent service's own pages.
            Assert.Equal(new Uri(platform.Consent.Client.BaseAddress!, "/my/consents").AbsoluteUri, await page.Locator("#nav-consents").GetAttributeAsync("href"));
            await AccessibilityCheck.AssertNoSeriousViolationsAsync(page);
            await BrowserSteps.ScreenshotForDocsAsync(page, "portal-overview");

            var ownReadsBefore = await OwnReadsAsync(patient, patientToken);
            await page.GetByRole(AriaRole.Link, new() { Name = "Records", Exact = true }).ClickAsync();
            await BrowserSteps.WaitForPathAsync(page, "/my/records");
            var observation = page.Locator($"[data-category=observation] [data-record-id='{pulseId}']");
            await Assertions.Expect(observation.Locator(".value")).ToHaveTextAsync("68 beats/minute");
            await Assertions.Expect(observation).ToContainTextAsync("2 November 2026, 09:30 UTC");
            await Assertions.Expect(page.Locator("[data-category=condition] .value")).ToHaveTextAsync("active");
            await Assertions.Expect(page.Locator("[data-category=condition]")).ToContainTextAsync("Asthma");
            await Assertions.Expect(page.Locator("[data-category=immunization]")).ToContainTextAsync("Influenza vaccine");
            await AccessibilityCheck.AssertNoSeriousViolationsAsync(page);
            await BrowserSteps.ScreenshotForDocsAsync(page, "portal-records");
            // Showing the three records read them: three more reads by the patient in the access log, as through the API.
            Assert.Equal(ownReadsBefore + 3, await OwnReadsAsync(patient, patientToken));

            await observation.GetByRole(AriaRole.Link, new() { Name = "Heart rate" }).ClickAsync();
            await BrowserSteps.WaitForPathAsync(page, $"/my/records/{pulseId}");
            Assert.Equal(2, await page.Locator("#versions tbody tr").CountAsync());
            await page.GetByRole(AriaRole.Link, new() { Name = "Version 1" }).ClickAsync();
            await Assertions.Expect(page.Locator("#value")).ToHaveTextAsync("72 beats/minute");
            await Assertions.Expect(page.Locator("#old-version")).ToBeVisibleAsync();
            await AccessibilityCheck.AssertNoSeriousViolationsAsync(page);
            await BrowserSteps.ScreenshotForDocsAsync(page, "portal-record");

            // The break-glass read: highlighted, with its receipt verified here once the ledger committed it.
            await page.GotoAsync("/my/access-log");
            var breakGlass = page.Locator("#access-log tr[data-outcome=break-glass]");
            await Eventually.TrueAsync(async () =>
            {
                await page.ReloadAsync();
                return await breakGlass.GetAttributeAsync("data-receipt") == "verified";
            }, "the break-glass read's receipt verified on the page", TimeSpan.FromSeconds(30));
            await Assertions.Expect(page.Locator("#break-glass-alert")).ToBeVisibleAsync();
            await Assertions.Expect(breakGlass).ToContainTextAsync(clinician.Id);
            await Assertions.Expect(breakGlass).ToContainTextAsync("emergency treatment");
            Assert.Contains("break-glass", await breakGlass.GetAttributeAsync("class") ?? "", StringComparison.Ordinal);
            await Assertions.Expect(breakGlass.Locator("[data-break-glass-reason]")).ToHaveTextAsync($"The clinician's reason: \u201C{emergencyReason}\u201D");
            // The patient's own reads are left out unless asked for.
            Assert.Equal(0, await page.Locator($"#access-log tr:has-text('You')").CountAsync());
            await AccessibilityCheck.AssertNoSeriousViolationsAsync(page);
            await BrowserSteps.ScreenshotForDocsAsync(page, "portal-access-log");

            // The receipt and the opening as downloaded check out with the ledger's own verifier and published keys.
            var receiptFile = await DownloadAsync(page, () => breakGlass.GetByRole(AriaRole.Link, new() { Name = "Receipt" }).ClickAsync());
            var openingFile = await DownloadAsync(page, () => breakGlass.GetByRole(AriaRole.Link, new() { Name = "Opening" }).ClickAsync());
            var receipt = JsonSerializer.Deserialize<Receipt>(receiptFile, JsonSerializerOptions.Web)!;
            var opening = JsonSerializer.Deserialize<Opening>(openingFile, JsonSerializerOptions.Web)!;
            var keys = (await platform.Ledger.Client.GetFromJsonAsync<JsonElement>("/replicas/keys")).GetProperty("keys").Deserialize<List<ReplicaKey>>(JsonSerializerOptions.Web)!;
            Assert.True(ReceiptVerifier.Verify(receipt, keys).IsValid);
            var opened = OpeningVerifier.Verify(receipt, opening);
            Assert.True(opened.IsValid, opened.Reason);
            Assert.Equal(clinician.Id, opening.Actor);
            Assert.Equal(patient.Id, opening.Subject);

            await page.GetByRole(AriaRole.Link, new() { Name = "Notifications" }).ClickAsync();
            await BrowserSteps.WaitForPathAsync(page, "/my/notifications");
            await Assertions.Expect(page.Locator("#notifications [data-kind=break-glass]")).ToContainTextAsync(clinician.Id);
            await Assertions.Expect(page.Locator("#notifications [data-kind=break-glass]")).ToContainTextAsync(emergencyReason);
            await AccessibilityCheck.AssertNoSeriousViolationsAsync(page);
            await BrowserSteps.ScreenshotForDocsAsync(page, "portal-notifications");
        });
    }

    [Fact]
    public async Task A_patient_uploads_a_document_downloads_it_exports_everything_and_erases_it_after_confirming()
    {
        var (patient, patientToken) = await platform.UserAsync(PlatformRoles.Patient);
        await platform.VaultAsync(HttpMethod.Post, $"/patients/{patient.Id}/records", patientToken, Fhir(Pulse));
        var (context, page) = await browser.NewPageAsync(platform.Vault.Client.BaseAddress!);
        await using var _ = context;
        await BrowserSteps.WithScreenshotOnFailureAsync(page, async () =>
        {
            await SignInAtAsync(page, patient, "/my/records");
            var letter = Encoding.ASCII.GetBytes("%PDF-1.7\nDischarge letter\n%%EOF");
            // Not what it says it is: HTML labelled as a PDF is refused with the API's reason, nothing stored.
            await page.GetByLabel("Document (PDF").SetInputFilesAsync(new FilePayload { Name = "letter.pdf", MimeType = "application/pdf", Buffer = "<html>hi</html>"u8.ToArray() });
            var refused = await page.RunAndWaitForResponseAsync(() => page.GetByRole(AriaRole.Button, new() { Name = "Upload" }).ClickAsync(), r => r.Request.Method == "POST");
            Assert.Equal(422, refused.Status);
            await Assertions.Expect(page.Locator("#error-summary")).ToContainTextAsync("signature");
            Assert.Equal(0, await page.Locator("[data-category=clinical-note]").CountAsync());

            await page.GetByLabel("Document (PDF").SetInputFilesAsync(new FilePayload { Name = "letter.pdf", MimeType = "application/pdf", Buffer = letter });
            await page.GetByLabel("What kind of record it is").SelectOptionAsync("clinical-note");
            await page.GetByRole(AriaRole.Button, new() { Name = "Upload" }).ClickAsync();
            await Assertions.Expect(page.Locator("#message")).ToContainTextAsync("uploaded");
            // Post/Redirect/Get: the page after the upload is a GET; reloading it uploads nothing again and the message is gone.
            Assert.Equal("/my/records", new Uri(page.Url).AbsolutePath);
            await page.ReloadAsync();
            await Assertions.Expect(page.Locator("#message")).ToHaveCountAsync(0);
            await Assertions.Expect(page.Locator("[data-category=clinical-note] [data-record-id]")).ToHaveCountAsync(1);
            var document = page.Locator("[data-category=clinical-note] [data-record-id]");
            var documentId = (await document.GetAttributeAsync("data-record-id"))!;
            var downloaded = await DownloadAsync(page, () => document.GetByRole(AriaRole.Link, new() { Name = "Download the document" }).ClickAsync());
            Assert.Equal(letter, Encoding.UTF8.GetBytes(downloaded));
            await AccessibilityCheck.AssertNoSeriousViolationsAsync(page);

            // Export: one Bundle with the observation and the document (as Binary), parsed by the FHIR SDK.
            await page.GotoAsync("/my/export");
            await AccessibilityCheck.AssertNoSeriousViolationsAsync(page);
            await BrowserSteps.ScreenshotForDocsAsync(page, "portal-export");
            var export = await DownloadAsync(page, () => page.GetByRole(AriaRole.Button, new() { Name = "Download all my records" }).ClickAsync());
            var bundle = new FhirJsonDeserializer().Deserialize<R4.Bundle>(export);
            Assert.Equal(R4.Bundle.BundleType.Collection, bundle.Type);
            Assert.Contains(bundle.Entry, e => e.Resource is R4.Observation);
            var binary = Assert.Single(bundle.Entry.Select(e => e.Resource).OfType<R4.Binary>());
            Assert.Equal(letter, binary.Data);
            Assert.Equal(documentId, binary.Id);

            // Erase: a confirmation page first (the GET erases nothing), then the store's erasure.
            await page.GotoAsync($"/my/records/{documentId}");
            await page.GetByRole(AriaRole.Button, new() { Name = "Erase this record" }).ClickAsync();
            await BrowserSteps.WaitForPathAsync(page, $"/my/records/{documentId}/erase");
            Assert.Equal(HttpStatusCode.OK, (await platform.VaultAsync(HttpMethod.Get, $"/records/{documentId}", patientToken)).Status);
            await AccessibilityCheck.AssertNoSeriousViolationsAsync(page);
            await BrowserSteps.ScreenshotForDocsAsync(page, "portal-erase");
            await page.GetByRole(AriaRole.Button, new() { Name = "Yes, erase this record" }).ClickAsync();
            await BrowserSteps.WaitForPathAsync(page, $"/my/records/{documentId}");
            await Assertions.Expect(page.Locator("#erased")).ToBeVisibleAsync();
            Assert.Equal(HttpStatusCode.Gone, (await platform.VaultAsync(HttpMethod.Get, $"/records/{documentId}", patientToken)).Status);
            var (_, log, _) = await platform.VaultAsync(HttpMethod.Get, $"/patients/{patient.Id}/access-log", patientToken);
            Assert.Contains(log.EnumerateArray(), e => e.GetProperty("recordId").GetString() == documentId && e.GetProperty("action").GetString() == "delete"
                && e.GetProperty("actor").GetString() == patient.Id);
        });
    }

    [Fact]
    public async Task Anonymous_visitors_are_sent_to_sign_in_and_clinicians_and_other_patients_get_nothing()
    {
        var (owner, ownerToken) = await platform.UserAsync(PlatformRoles.Patient);
        var (_, record, _) = await platform.VaultAsync(HttpMethod.Post, $"/patients/{owner.Id}/records", ownerToken, Fhir(Pulse));
        var id = record.GetProperty("id").GetString()!;

        using var anonymous = new FormSession(platform.Vault.Client.BaseAddress!);
        foreach (var path in new[] { "/my", "/my/records", $"/my/records/{id}", $"/my/records/{id}/erase", "/my/access-log", "/my/notifications", "/my/export" })
        {
            using var response = await anonymous.GetAsync(new Uri(platform.Vault.Client.BaseAddress!, path).AbsoluteUri);
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.StartsWith(platform.Identity.BaseAddress.AbsoluteUri + "connect/authorize", response.Headers.Location!.AbsoluteUri, StringComparison.Ordinal);
        }

        var clinician = await TestAccounts.CreateAsync(platform.Identity.Service.Services, PlatformRoles.Clinician);
        var (status, _) = await SignInRawAsync(new FormSession(platform.Vault.Client.BaseAddress!), clinician, "/my/records");
        Assert.Equal(HttpStatusCode.Forbidden, status);

        // Another patient: their own portal works, the owner's record is not found, and the erase form erases nothing.
        var other = await TestAccounts.CreateAsync(platform.Identity.Service.Services, PlatformRoles.Patient, enrolTotp: false);
        using var otherBrowser = new FormSession(platform.Vault.Client.BaseAddress!);
        var (ownPage, _) = await SignInRawAsync(otherBrowser, other, "/my");
        Assert.Equal(HttpStatusCode.OK, ownPage);
        using var foreign = await otherBrowser.GetAsync(new Uri(platform.Vault.Client.BaseAddress!, $"/my/records/{id}").AbsoluteUri);
        Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
        using var foreignErase = await otherBrowser.GetAsync(new Uri(platform.Vault.Client.BaseAddress!, $"/my/records/{id}/erase").AbsoluteUri);
        Assert.Equal(HttpStatusCode.NotFound, foreignErase.StatusCode);
        // A POST without the page's antiforgery token is refused before anything runs.
        using var forged = await otherBrowser.Http.PostAsync(new Uri(platform.Vault.Client.BaseAddress!, $"/my/records/{id}/erase"), new FormUrlEncodedContent([]));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await platform.VaultAsync(HttpMethod.Get, $"/records/{id}", ownerToken)).Status);
    }

    private async Task<int> OwnReadsAsync(TestAccount patient, string token)
    {
        var (_, log, _) = await platform.VaultAsync(HttpMethod.Get, $"/patients/{patient.Id}/access-log", token);
        return log.EnumerateArray().Count(e => e.GetProperty("actor").GetString() == patient.Id && e.GetProperty("action").GetString() == "read");
    }

    private static async Task<string> DownloadAsync(IPage page, Func<Task> click)
    {
        var download = await page.RunAndWaitForDownloadAsync(click);
        return await File.ReadAllTextAsync((await download.PathAsync())!);
    }

    [Fact]
    public async Task A_credential_revoked_by_the_identity_service_is_a_notification_in_the_patient_portal()
    {
        var (patient, _) = await platform.UserAsync(PlatformRoles.Patient);
        var admin = await TestAccounts.CreateAsync(platform.Identity.Service.Services, PlatformRoles.Admin);
        using var adminSession = new FormSession(platform.Identity.BaseAddress);
        var adminToken = (await new CodeFlow(adminSession).SignInThroughPortalAsync(admin, "openid identity.admin")).GetProperty("access_token").GetString()!;
        var (context, page) = await browser.NewPageAsync(platform.Vault.Client.BaseAddress!);
        await using var _ = context;
        await BrowserSteps.WithScreenshotOnFailureAsync(page, async () =>
        {
            await SignInAtAsync(page, patient, "/my/notifications");
            await Assertions.Expect(page.Locator("#no-notifications")).ToBeVisibleAsync();

            // An administrator revokes the person's credentials at the identity service, which announces identity.revoked.
            using (var revoke = new HttpRequestMessage(HttpMethod.Post, "/credentials/revoke") { Content = JsonContent.Create(new { userId = patient.Id, reason = "document_stolen" }) })
            {
                revoke.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", adminToken);
                using var revoked = await platform.Identity.Service.Client.SendAsync(revoke);
                Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
            }
            var notice = page.Locator("#notifications [data-kind=credential-revoked]");
            await Eventually.TrueAsync(async () =>
            {
                await page.ReloadAsync();
                return await notice.CountAsync() == 1;
            }, "the revocation reached the patient's notifications", TimeSpan.FromSeconds(30));
            await Assertions.Expect(notice).ToContainTextAsync("Your identity credential was revoked");
            await Assertions.Expect(notice).ToContainTextAsync("reported stolen");
            // It comes from the identity service, not the access log: no link there.
            await Assertions.Expect(notice.GetByRole(AriaRole.Link, new() { Name = "See it in your access log" })).ToHaveCountAsync(0);
            await AccessibilityCheck.AssertNoSeriousViolationsAsync(page);
            await BrowserSteps.ScreenshotForDocsAsync(page, "portal-notification-credential-revoked");

            await page.GotoAsync("/my");
            // One notification is "1 thing", not "1 things": each count form has its own words.
            await Assertions.Expect(page.Locator("#notification-count")).ToHaveTextAsync("1 thing you should know about.");
        });
        // Another patient hears nothing of it.
        var (other, _) = await platform.UserAsync(PlatformRoles.Patient);
        using var scope = platform.Vault.Services.CreateScope();
        var notifications = scope.ServiceProvider.GetRequiredService<Platform.RecordVault.Pages.Portal.PatientNotifications>();
        Assert.Empty(await notifications.ForAsync(other.Id, CancellationToken.None));
        Assert.Single(await notifications.ForAsync(patient.Id, CancellationToken.None));
    }

    [Fact]
    public async Task In_French_the_overview_speaks_French_with_the_right_plural_forms_and_stays_accessible()
    {
        var (patient, patientToken) = await platform.UserAsync(PlatformRoles.Patient);
        await platform.VaultAsync(HttpMethod.Post, $"/patients/{patient.Id}/records", patientToken, Fhir(Pulse));
        // A French browser: Chromium sends Accept-Language: fr-FR,fr.
        var (context, page) = await browser.NewPageAsync(platform.Vault.Client.BaseAddress!, "fr-FR");
        await using var _ = context;
        await BrowserSteps.WithScreenshotOnFailureAsync(page, async () =>
        {
            await page.GotoAsync("/my");
            await BrowserSteps.WaitForPathAsync(page, "/account/login");
            await BrowserSteps.SignInAsync(page, patient.Email, patient.Password);
            await BrowserSteps.WaitForPathAsync(page, "/my");

            Assert.Equal("fr", await page.Locator("html").GetAttributeAsync("lang"));
            await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Votre dossier de santé");
            // French says "one" for 0 and 1: 1 record, 0 documents, 0 notifications all take the singular.
            await Assertions.Expect(page.Locator("#record-count")).ToContainTextAsync("1 document de santé, dont 0 document joint.");
            await Assertions.Expect(page.Locator("#notification-count")).ToHaveTextAsync("0 information à connaître.");
            await Assertions.Expect(page.GetByRole(AriaRole.Navigation).GetByRole(AriaRole.Link, new() { Name = "Qui a consulté mon dossier" })).ToHaveCountAsync(1);
            await AccessibilityCheck.AssertNoSeriousViolationsAsync(page);
            await BrowserSteps.ScreenshotForDocsAsync(page, "portal-overview-fr");

            await page.GotoAsync("/my/records");
            await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Vos documents de santé");
            await Assertions.Expect(page.Locator("[data-category=observation] .value")).ToHaveTextAsync("72 beats/minute");
            // The category by its French name and the observation's date in French (the record itself stays as written).
            await Assertions.Expect(page.Locator("#cat-observation")).ToHaveTextAsync("Observations (signes vitaux, résultats de laboratoire)");
            await Assertions.Expect(page.Locator("[data-category=observation]")).ToContainTextAsync("2 novembre 2026 à 09:30 UTC");
            await Assertions.Expect(page.Locator("[data-category=observation]")).Not.ToContainTextAsync("November");
            await AccessibilityCheck.AssertNoSeriousViolationsAsync(page);
        });
    }

    private static async Task SignInAtAsync(IPage page, TestAccount account, string path)
    {
        await page.GotoAsync(path);
        await BrowserSteps.WaitForPathAsync(page, "/account/login");
        await page.GetByLabel("E-mail address", new() { Exact = true }).FillAsync(account.Email);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(account.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await BrowserSteps.WaitForPathAsync(page, path);
    }

    /// <summary>Follows the redirects across the vault and the identity service, filling in the sign-in pages on the way.</summary>
    private async Task<(HttpStatusCode Status, string Html)> SignInRawAsync(FormSession session, TestAccount account, string path)
    {
        var current = new Uri(platform.Vault.Client.BaseAddress!, path);
        var response = await session.GetAsync(current.AbsoluteUri);
        for (var hop = 0; hop < 15 && (int)response.StatusCode is >= 300 and < 400; hop++)
        {
            var next = new Uri(current, response.Headers.Location!);
            response.Dispose();
            current = next;
            response = next.AbsolutePath switch
            {
                "/account/login" => await session.SubmitAsync(next.AbsoluteUri, new Dictionary<string, string> { ["Email"] = account.Email, ["Password"] = account.Password }),
                "/account/login-2fa" => await session.SubmitAsync(next.AbsoluteUri, new Dictionary<string, string> { ["Code"] = account.NextCode() }),
                _ => await session.GetAsync(next.AbsoluteUri),
            };
        }
        using (response)
        {
            return (response.StatusCode, await response.Content.ReadAsStringAsync());
        }
    }
}
