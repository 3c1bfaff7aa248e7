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
/// The start of docs/walkthrough.md in Chromium, in the page's order, with nothing but a browser (and the e-mail the
/// service wrote): a new person creates an account and opens the confirmation link, applies for KYC as a politically
/// exposed person (so a human must look), the reviewer signs in with the second factor and approves in the console,
/// and the applicant's status page turns to approved and hands out a credential bound to a key the browser made.
/// </summary>
public sealed partial class WalkthroughBrowserTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    // A valid 1×1 PNG: the reviewer console shows the photos as images.
    private static readonly byte[] Photo = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==");

    private IdentityServer Server => fixture.Server;

    [Fact]
    public async Task A_new_person_registers_passes_kyc_through_a_reviewer_and_collects_the_credential_in_the_browser()
    {
        var reviewer = await TestAccounts.CreateAsync(Server.Service.Services, PlatformRoles.KycReviewer);
        var email = $"max-{Guid.NewGuid():N}@test.local";
        const string password = "max walkthrough password";
        var (context, page) = await fixture.NewPageAsync();
        await using var _ = context;
        var (reviewerContext, reviewerPage) = await fixture.NewPageAsync();
        await using var __ = reviewerContext;
        await BrowserSteps.WithScreenshotOnFailureAsync(page, async () =>
        {
            // 1. Create an account, then follow the link in the e-mail (the dev host writes it as a file).
            await page.GotoAsync("/account/register");
            await page.GetByLabel("Your name").FillAsync("Max Oberholzer");
            await page.GetByLabel("E-mail address", new() { Exact = true }).FillAsync(email);
            await page.GetByLabel("Password", new() { Exact = true }).FillAsync(password);
            await page.GetByLabel("a patient").CheckAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();
            await Assertions.Expect(page.Locator("#registered")).ToBeVisibleAsync();
            var link = await ConfirmationLinkAsync(email);
            await page.GotoAsync(link.PathAndQuery);
            await Assertions.Expect(page.Locator("#confirmed")).ToBeVisibleAsync();

            // 2. KYC with document details, the document photo and a selfie: the name is on the PEP sample list.
            await page.GotoAsync("/kyc");
            await BrowserSteps.WaitForPathAsync(page, "/account/login");
            await page.GetByLabel("E-mail address", new() { Exact = true }).FillAsync(email);
            await page.GetByLabel("Password", new() { Exact = true }).FillAsync(password);
            await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
            await BrowserSteps.WaitForPathAsync(page, "/kyc");
            await page.GetByRole(AriaRole.Button, new() { Name = "Start now" }).ClickAsync();
            await BrowserSteps.WaitForPathAsync(page, "/kyc/application");
            var application = JsonSerializer.SerializeToElement(KycApplications.Application("MAXIMILIAN", "OBERHOLZER", "M" + Random.Shared.Next(10_000_000, 99_999_999), new DateOnly(1958, 11, 2)));
            string Field(string name) => application.GetProperty(name).GetString()!;
            await page.GetByLabel("Given names").FillAsync(Field("givenNames"));
            await page.GetByLabel("Family name").FillAsync(Field("familyName"));
            await page.GetByLabel("Date of birth").FillAsync(Field("birthDate"));
            await page.GetByLabel("Nationality").FillAsync(Field("nationality"));
            await page.GetByLabel("Document number").FillAsync(Field("documentNumber"));
            await page.GetByLabel("Machine-readable zone").FillAsync(Field("mrz"));
            await Assertions.Expect(page.Locator("#mrz-check")).ToContainTextAsync("All 5 check digits are right.");
            await page.GetByLabel("Photo of the document's photo page").SetInputFilesAsync(new FilePayload { Name = "passport.png", MimeType = "image/png", Buffer = Photo });
            await page.GetByLabel("Photo of your face").SetInputFilesAsync(new FilePayload { Name = "me.png", MimeType = "image/png", Buffer = Photo });
            await page.GetByRole(AriaRole.Button, new() { Name = "Submit for checking" }).ClickAsync();
            await BrowserSteps.WaitForPathAsync(page, "/kyc/status");
            Assert.Equal("ManualReview", await page.Locator("#case-state").GetAttributeAsync("data-state"));
            await AccessibilityCheck.AssertNoSeriousViolationsAsync(page);
            await BrowserSteps.ScreenshotForDocsAsync(page, "kyc-status-review");
            // Nothing to collect while a human has not decided.
            await page.GotoAsync("/kyc/credential");
            await Assertions.Expect(page.Locator("#not-verified")).ToBeVisibleAsync();

            // 3. The reviewer: sign-in with the second factor, the queue, the case with its checks and photos, approve.
            await BrowserSteps.WithScreenshotOnFailureAsync(reviewerPage, async () =>
            {
                await reviewerPage.GotoAsync("/kyc/review/queue");
                await BrowserSteps.WaitForPathAsync(reviewerPage, "/account/login");
                await reviewerPage.GetByLabel("E-mail address", new() { Exact = true }).FillAsync(reviewer.Email);
                await reviewerPage.GetByLabel("Password", new() { Exact = true }).FillAsync(reviewer.Password);
                await reviewerPage.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
                await BrowserSteps.WaitForPathAsync(reviewerPage, "/account/login-2fa");
                await reviewerPage.GetByLabel("6-digit code").FillAsync(reviewer.NextCode());
                await reviewerPage.GetByRole(AriaRole.Button, new() { Name = "Verify" }).ClickAsync();
                await BrowserSteps.WaitForPathAsync(reviewerPage, "/kyc/review/queue");
                var row = reviewerPage.Locator("#queue tbody tr", new() { HasText = "pep_screening" });
                await Assertions.Expect(row).ToHaveCountAsync(1);
                await row.GetByRole(AriaRole.Link).ClickAsync();
                await Assertions.Expect(reviewerPage.Locator("#case-state")).ToHaveTextAsync("ManualReview");
                await Assertions.Expect(reviewerPage.Locator("#evidence-application")).ToContainTextAsync("OBERHOLZER");
                await AccessibilityCheck.AssertNoSeriousViolationsAsync(reviewerPage);
                await BrowserSteps.ScreenshotForDocsAsync(reviewerPage, "kyc-review-case");
                await reviewerPage.GetByLabel("Approve").CheckAsync();
                await reviewerPage.GetByLabel("Reason").FillAsync("PEP match confirmed; enhanced due diligence done");
                await reviewerPage.GetByRole(AriaRole.Button, new() { Name = "Decide" }).ClickAsync();
                await Assertions.Expect(reviewerPage.Locator("#case-state")).ToHaveTextAsync("Approved");
            });

            // 4. Back on the applicant's status page: approved; the credential is made for a key the browser creates.
            await page.GotoAsync("/kyc/status");
            Assert.Equal("Approved", await page.Locator("#case-state").GetAttributeAsync("data-state"));
            await page.GetByRole(AriaRole.Button, new() { Name = "Get your credential" }).ClickAsync();
            await BrowserSteps.WaitForPathAsync(page, "/kyc/credential");
            var downloads = new List<IDownload>();
            page.Download += (_, download) => downloads.Add(download);
            await page.GetByRole(AriaRole.Button, new() { Name = "Create my key and get my credential" }).ClickAsync();
            await Eventually.TrueAsync(() => downloads.Count == 2, "two downloads (the key and the credential)", TimeSpan.FromSeconds(30));
            var keyJson = await File.ReadAllTextAsync((await downloads.Single(d => d.SuggestedFilename == "holder.jwk").PathAsync())!);
            var compact = (await File.ReadAllTextAsync((await downloads.Single(d => d.SuggestedFilename == "verified-identity.sd-jwt").PathAsync())!)).Trim();

            // The credential verifies against the issuer's published keys and says who the reviewer approved.
            using var holder = HolderKeys.ImportPrivateJwk(keyJson);
            var credential = SdJwtHolder.Accept(compact);
            var challenge = new KeyBindingChallenge("https://verifier.example", "nonce-" + Guid.NewGuid().ToString("N"));
            var presentation = await SdJwtHolder.PresentWithKeyBindingAsync(credential, SdJwtHolder.SelectByClaimName(credential, ["family_name", "assurance_level"]),
                challenge, Es256Signers.FromECDsa(holder), DateTimeOffset.UtcNow, CancellationToken.None);
            var metadata = JwtVcIssuerMetadata.Parse(await Server.Service.Client.GetStringAsync("/.well-known/jwt-vc-issuer"), Server.BaseAddress.AbsoluteUri);
            var result = await new SdJwtVerifier(new SdJwtVerifierOptions { ResolveIssuerKey = metadata.ToKeyResolver() })
                .VerifyAsync(presentation.Compact, challenge, CancellationToken.None);
            Assert.True(result.IsValid, result.Error?.ToString());
            Assert.Equal("OBERHOLZER", result.Claims!["family_name"]!.GetValue<string>());
            // A document photo and a selfie, checked by a person: the highest level the service gives.
            Assert.Equal("high", result.Claims!["assurance_level"]!.GetValue<string>());
        });
    }

    /// <summary>The confirmation link from the e-mail the service wrote to its outbox folder for this address.</summary>
    private async Task<Uri> ConfirmationLinkAsync(string email)
    {
        var outbox = Path.Combine(Server.Service.DataDirectory, "outbox", "identity");
        string? message = null;
        await Eventually.TrueAsync(() =>
        {
            message = Directory.Exists(outbox)
                ? Directory.GetFiles(outbox, "*.eml").Select(File.ReadAllText).SingleOrDefault(text => text.Contains($"To: {email}", StringComparison.Ordinal))
                : null;
            return message is not null;
        }, "the confirmation e-mail", TimeSpan.FromSeconds(10));
        return new Uri(ConfirmationLink().Match(message!).Value);
    }

    [GeneratedRegex(@"http://[^\s]+/account/confirm-email\?[^\s]+")]
    private static partial Regex ConfirmationLink();
}
