using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Platform.Crypto.Jose;
using Platform.Identity.Accounts;
using Platform.Identity.Credentials;
using Platform.Identity.Testing;
using Platform.Testing;
using Platform.Testing.Browser;

namespace Platform.Identity.Tests.Browser;

/// <summary>
/// KYC onboarding as an applicant does it in Chromium: sign in, start, fill in details and the MRZ (checked as it
/// is typed), upload the photos, see the status in plain words, then collect the credential: the browser makes the
/// holder key, and the key file and the credential it saves work with the wallet's own library. Every page is
/// checked with axe-core and is reached by its labels, as assistive technology would.
/// </summary>
public sealed class KycOnboardingBrowserTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    private IdentityServer Server => fixture.Server;

    [Fact]
    public async Task An_applicant_passes_kyc_in_the_browser_and_collects_a_credential_bound_to_a_key_the_browser_made()
    {
        var applicant = await TestAccounts.CreateAsync(Server.Service.Services, PlatformRoles.Patient, enrolTotp: false);
        var (context, page) = await fixture.NewPageAsync();
        await using var _ = context;
        await BrowserSteps.WithScreenshotOnFailureAsync(page, async () =>
        {
            await SignInAtAsync(page, applicant, "/kyc");
            await AccessibilityCheck.AssertNoSeriousViolationsAsync(page);
            await BrowserSteps.ScreenshotForDocsAsync(page, "kyc-start");
            await page.GetByRole(AriaRole.Button, new() { Name = "Start now" }).ClickAsync();

            await BrowserSteps.WaitForPathAsync(page, "/kyc/application");
            var application = JsonSerializer.SerializeToElement(KycApplications.Application("ANNA", "BROWSER", "C" + Random.Shared.Next(10_000_000, 99_999_999), new DateOnly(1985, 3, 14)));
            string Field(string name) => application.GetProperty(name).GetString()!;
            await page.GetByLabel("Given names").FillAsync(Field("givenNames"));
            await page.GetByLabel("Family name").FillAsync(Field("familyName"));
            await page.GetByLabel("Date of birth").FillAsync(Field("birthDate"));
            await page.GetByLabel("Nationality").FillAsync(Field("nationality"));
            await page.GetByLabel("Document number").FillAsync(Field("documentNumber"));

            // A mistyped birth date in the MRZ: the check digit that no longer matches is named at once.
            var mrz = Field("mrz");
            var lines = mrz.Split('\n');
            var typo = lines[0] + "\n" + lines[1][..13] + (lines[1][13] == '9' ? '8' : '9') + lines[1][14..];
            await page.GetByLabel("Machine-readable zone").FillAsync(typo);
            await Assertions.Expect(page.Locator("#mrz-check")).ToContainTextAsync("Date of birth: the check digit is");
            await page.GetByLabel("Machine-readable zone").FillAsync(mrz);
            await Assertions.Expect(page.Locator("#mrz-check")).ToContainTextAsync("All 5 check digits are right.");
            await page.GetByLabel("Photo of the document's photo page").SetInputFilesAsync(new FilePayload { Name = "passport.jpg", MimeType = "image/jpeg", Buffer = [0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10] });
            await page.GetByLabel("Photo of your face").SetInputFilesAsync(new FilePayload { Name = "me.png", MimeType = "image/png", Buffer = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] });
            await AccessibilityCheck.AssertNoSeriousViolationsAsync(page);
            await BrowserSteps.ScreenshotForDocsAsync(page, "kyc-application");
            await page.GetByRole(AriaRole.Button, new() { Name = "Submit for checking" }).ClickAsync();

            await BrowserSteps.WaitForPathAsync(page, "/kyc/status");
            Assert.Equal("Approved", await page.Locator("#case-state").GetAttributeAsync("data-state"));
            Assert.Equal(7, await page.Locator("#checks tbody tr").CountAsync());
            await AccessibilityCheck.AssertNoSeriousViolationsAsync(page);
            await BrowserSteps.ScreenshotForDocsAsync(page, "kyc-status-approved");
            await page.GetByRole(AriaRole.Button, new() { Name = "Get your credential" }).ClickAsync();

            await BrowserSteps.WaitForPathAsync(page, "/kyc/credential");
            await AccessibilityCheck.AssertNoSeriousViolationsAsync(page);
            await BrowserSteps.ScreenshotForDocsAsync(page, "kyc-credential");
            var downloads = new List<IDownload>();
            page.Download += (_, download) => downloads.Add(download);
            await page.GetByRole(AriaRole.Button, new() { Name = "Create my key and get my credential" }).ClickAsync();
            await Eventually.TrueAsync(() => downloads.Count == 2, "two downloads (the key and the credential)", TimeSpan.FromSeconds(30));

            var keyFile = downloads.Single(d => d.SuggestedFilename == "holder.jwk");
            var credentialFile = downloads.Single(d => d.SuggestedFilename == "verified-identity.sd-jwt");
            var keyJson = await File.ReadAllTextAsync((await keyFile.PathAsync())!);
            var compact = (await File.ReadAllTextAsync((await credentialFile.PathAsync())!)).Trim();

            // The wallet's own code reads the key file, and the credential is bound to exactly that key.
            using var holder = HolderKeys.ImportPrivateJwk(keyJson);
            Assert.Equal(P256Jwk.FromECDsa(holder).Thumbprint(), JsonDocument.Parse(keyJson).RootElement.GetProperty("kid").GetString());
            var credential = SdJwtHolder.Accept(compact);
            var challenge = new KeyBindingChallenge("https://verifier.example", "nonce-" + Guid.NewGuid().ToString("N"));
            var presentation = await SdJwtHolder.PresentWithKeyBindingAsync(credential, SdJwtHolder.SelectByClaimName(credential, ["family_name", "age_over_18"]),
                challenge, Es256Signers.FromECDsa(holder), DateTimeOffset.UtcNow, CancellationToken.None);
            var issuer = Server.BaseAddress.AbsoluteUri;
            var metadata = JwtVcIssuerMetadata.Parse(await Server.Service.Client.GetStringAsync("/.well-known/jwt-vc-issuer"), issuer);
            var result = await new SdJwtVerifier(new SdJwtVerifierOptions { ResolveIssuerKey = metadata.ToKeyResolver() })
                .VerifyAsync(presentation.Compact, challenge, CancellationToken.None);
            Assert.True(result.IsValid, result.Error?.ToString());
            Assert.Equal("BROWSER", result.Claims!["family_name"]!.GetValue<string>());

            // The same page shows an OpenID4VCI offer as a QR code with its transaction code; a wallet redeems them.
            await page.GetByRole(AriaRole.Button, new() { Name = "Show a QR code for my wallet" }).ClickAsync();
            await page.Locator("#offer-qr svg").WaitForAsync();
            var txCode = (await page.Locator("#tx-code").InnerTextAsync()).Trim();
            Assert.Matches("^[0-9]{6}$", txCode);
            await AccessibilityCheck.AssertNoSeriousViolationsAsync(page);
            await BrowserSteps.ScreenshotForDocsAsync(page, "kyc-credential-offer");
            var offerUri = (await page.Locator("#offer-link").GetAttributeAsync("href"))!;
            var reference = new Uri(Uri.UnescapeDataString(offerUri.Split("credential_offer_uri=")[1]));
            var offer = JsonDocument.Parse(await Server.Service.Client.GetStringAsync(reference.PathAndQuery)).RootElement;
            Assert.Equal(issuer, offer.GetProperty("credential_issuer").GetString());
            var code = offer.GetProperty("grants").GetProperty("urn:ietf:params:oauth:grant-type:pre-authorized_code").GetProperty("pre-authorized_code").GetString()!;
            using var redeemed = await Server.Service.Client.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "urn:ietf:params:oauth:grant-type:pre-authorized_code", ["pre-authorized_code"] = code, ["tx_code"] = txCode,
            }));
            Assert.Equal(System.Net.HttpStatusCode.OK, redeemed.StatusCode);
        });
    }

    [Fact]
    public async Task A_rejected_applicant_reads_why_in_plain_words_and_can_submit_again()
    {
        var applicant = await TestAccounts.CreateAsync(Server.Service.Services, PlatformRoles.Patient, enrolTotp: false);
        var (context, page) = await fixture.NewPageAsync();
        await using var _ = context;
        await BrowserSteps.WithScreenshotOnFailureAsync(page, async () =>
        {
            await SignInAtAsync(page, applicant, "/kyc");
            await page.GetByRole(AriaRole.Button, new() { Name = "Start now" }).ClickAsync();
            await BrowserSteps.WaitForPathAsync(page, "/kyc/application");
            // Fourteen years old: the minimum-age check rejects the application outright.
            var child = JsonSerializer.SerializeToElement(KycApplications.Application("KIM", "YOUNG", "K" + Random.Shared.Next(10_000_000, 99_999_999),
                DateOnly.FromDateTime(DateTime.UtcNow).AddYears(-14)));
            await page.GetByLabel("Given names").FillAsync(child.GetProperty("givenNames").GetString()!);
            await page.GetByLabel("Family name").FillAsync(child.GetProperty("familyName").GetString()!);
            await page.GetByLabel("Date of birth").FillAsync(child.GetProperty("birthDate").GetString()!);
            await page.GetByLabel("Nationality").FillAsync("DEU");
            await page.GetByLabel("Document number").FillAsync(child.GetProperty("documentNumber").GetString()!);
            await page.GetByLabel("Machine-readable zone").FillAsync(child.GetProperty("mrz").GetString()!);
            await page.GetByRole(AriaRole.Button, new() { Name = "Submit for checking" }).ClickAsync();

            await BrowserSteps.WaitForPathAsync(page, "/kyc/status");
            // Under age rejects on its own (risk weight 100), with resubmission allowed.
            Assert.Equal("Rejected", await page.Locator("#case-state").GetAttributeAsync("data-state"));
            await Assertions.Expect(page.Locator("#rejection-reasons")).ToContainTextAsync("below the minimum age");
            await Assertions.Expect(page.Locator("#checks tr[data-check=minimum_age]")).ToContainTextAsync("Not passed");
            await AccessibilityCheck.AssertNoSeriousViolationsAsync(page);
            await BrowserSteps.ScreenshotForDocsAsync(page, "kyc-status-rejected");
            await page.GetByRole(AriaRole.Button, new() { Name = "Correct and submit again" }).ClickAsync();
            await BrowserSteps.WaitForPathAsync(page, "/kyc/application");
            Assert.Equal("Correct and submit again", (await page.Locator("h1").InnerTextAsync()).Trim());
            // Nothing to collect before an approval: the credential page says so.
            await page.GotoAsync("/kyc/credential");
            await Assertions.Expect(page.Locator("#not-verified")).ToBeVisibleAsync();
        });
    }

    [Fact]
    public async Task A_submission_the_service_refuses_is_explained_on_the_form_with_its_status_and_nothing_is_stored()
    {
        var applicant = await TestAccounts.CreateAsync(Server.Service.Services, PlatformRoles.Patient, enrolTotp: false);
        var (context, page) = await fixture.NewPageAsync();
        await using var _ = context;
        await BrowserSteps.WithScreenshotOnFailureAsync(page, async () =>
        {
            await SignInAtAsync(page, applicant, "/kyc");
            await page.GetByRole(AriaRole.Button, new() { Name = "Start now" }).ClickAsync();
            await BrowserSteps.WaitForPathAsync(page, "/kyc/application");
            await page.GetByLabel("Given names").FillAsync("ANNA");
            await page.GetByLabel("Family name").FillAsync("GIF");
            await page.GetByLabel("Date of birth").FillAsync("1980-01-01");
            await page.GetByLabel("Nationality").FillAsync("DEU");
            await page.GetByLabel("Document number").FillAsync("C01X00T47");
            await page.GetByLabel("Machine-readable zone").FillAsync("P<D<<GIF<<ANNA");
            // A GIF is not a photo type the service accepts (415): said on the form, the case stays unsubmitted.
            await page.GetByLabel("Photo of your face").SetInputFilesAsync(new FilePayload { Name = "me.gif", MimeType = "image/gif", Buffer = "GIF89a"u8.ToArray() });
            var response = await page.RunAndWaitForResponseAsync(() => page.GetByRole(AriaRole.Button, new() { Name = "Submit for checking" }).ClickAsync(),
                r => r.Request.Method == "POST" && r.Url.Contains("/kyc/application", StringComparison.Ordinal));
            Assert.Equal(415, response.Status);
            await Assertions.Expect(page.Locator("#error-summary")).ToContainTextAsync("image/jpeg or image/png");
            await AccessibilityCheck.AssertNoSeriousViolationsAsync(page);
            await page.GotoAsync("/kyc/status");
            Assert.Equal("Registered", await page.Locator("#case-state").GetAttributeAsync("data-state"));
        });
    }

    [Fact]
    public async Task The_onboarding_pages_send_an_anonymous_visitor_to_sign_in()
    {
        var (context, page) = await fixture.NewPageAsync();
        await using var _ = context;
        foreach (var path in new[] { "/kyc", "/kyc/application", "/kyc/status", "/kyc/credential" })
        {
            await page.GotoAsync(path);
            await BrowserSteps.WaitForPathAsync(page, "/account/login");
            Assert.Contains("ReturnUrl=" + Uri.EscapeDataString(path), page.Url, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task The_accessibility_check_finds_what_a_screen_reader_user_would_trip_over()
    {
        // The check itself can fail: an unlabelled input and an image without alternative text are reported.
        var (context, page) = await fixture.NewPageAsync();
        await using var _ = context;
        await page.SetContentAsync("<!DOCTYPE html><html><head><title>t</title></head><body><main><input type=\"text\"><img src=\"data:image/png;base64,iVBORw0KGgo=\"></main></body></html>");
        var violations = await AccessibilityCheck.SeriousViolationsAsync(page);
        Assert.Contains(violations, v => v.StartsWith("label ", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.StartsWith("image-alt ", StringComparison.Ordinal));
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
}
