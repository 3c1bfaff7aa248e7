using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Playwright;
using Platform.Identity.Accounts;
using Platform.Identity.Testing;
using Platform.Identity.Text;
using Platform.Testing;
using Platform.Testing.Browser;
using Platform.WebUi.Text;

namespace Platform.Identity.Tests.Browser;

/// <summary>
/// The second language end to end: a browser whose language is French (Accept-Language: fr-FR) signs in and starts
/// KYC on French pages, the MRZ script explains a wrong check digit in French (its words come from the page), and the
/// pages stay free of serious accessibility violations. A language the platform has no words for gets English.
/// </summary>
public sealed class FrenchPagesBrowserTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    private static readonly CultureInfo Fr = CultureInfo.GetCultureInfo("fr");

    private IdentityServer Server => fixture.Server;

    [Fact]
    public async Task A_french_browser_signs_in_and_starts_kyc_in_french()
    {
        var applicant = await TestAccounts.CreateAsync(Server.Service.Services, PlatformRoles.Patient, enrolTotp: false);
        var (context, page) = await fixture.NewPageAsync("fr-FR");
        await using var _ = context;
        await BrowserSteps.WithScreenshotOnFailureAsync(page, async () =>
        {
            await page.GotoAsync("/kyc");
            await BrowserSteps.WaitForPathAsync(page, "/account/login");
            await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Se connecter");
            Assert.Equal(ShellLanguage(), await page.Locator("html").GetAttributeAsync("lang"));
            await AccessibilityCheck.AssertNoSeriousViolationsAsync(page);
            await page.GetByLabel("Adresse e-mail", new() { Exact = true }).FillAsync(applicant.Email);
            await page.GetByLabel("Mot de passe", new() { Exact = true }).FillAsync(applicant.Password);
            await page.GetByRole(AriaRole.Button, new() { Name = "Se connecter" }).ClickAsync();

            await BrowserSteps.WaitForPathAsync(page, "/kyc");
            await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Vérifier votre identité");
            Assert.StartsWith("Vérifier votre identité – ", await page.TitleAsync(), StringComparison.Ordinal);
            // The header's links are worded per request, in the page's language (not once at start-up, in English).
            var header = page.Locator("header nav");
            await Assertions.Expect(header.GetByRole(AriaRole.Link, new() { Name = "Votre compte", Exact = true })).ToHaveCountAsync(1);
            await Assertions.Expect(header.GetByRole(AriaRole.Link, new() { Name = "Vérifier votre identité", Exact = true })).ToHaveCountAsync(1);
            await Assertions.Expect(header.GetByRole(AriaRole.Link, new() { Name = "Your account" })).ToHaveCountAsync(0);
            await AccessibilityCheck.AssertNoSeriousViolationsAsync(page);
            await BrowserSteps.ScreenshotForDocsAsync(page, "kyc-start-fr");
            await page.GetByRole(AriaRole.Button, new() { Name = "Commencer" }).ClickAsync();

            await BrowserSteps.WaitForPathAsync(page, "/kyc/application");
            await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Vos informations et votre pièce d’identité");
            var application = JsonSerializer.SerializeToElement(KycApplications.Application("ANNE", "DUPONT", "F" + Random.Shared.Next(10_000_000, 99_999_999), new DateOnly(1979, 6, 2)));
            var lines = application.GetProperty("mrz").GetString()!.Split('\n');
            var typo = lines[0] + "\n" + lines[1][..13] + (lines[1][13] == '9' ? '8' : '9') + lines[1][14..];
            await page.GetByLabel("Zone de lecture automatique (MRZ)").FillAsync(typo);
            await Assertions.Expect(page.Locator("#mrz-check")).ToContainTextAsync("Date de naissance\u00a0: le chiffre de contrôle est");
            await page.GetByLabel("Zone de lecture automatique (MRZ)").FillAsync(string.Join("\n", lines));
            await Assertions.Expect(page.Locator("#mrz-check")).ToContainTextAsync("Les 5 chiffres de contrôle sont tous corrects.");
            // Accented words reach a form field's label (a tag helper's attribute) encoded once, not twice.
            await Assertions.Expect(page.GetByLabel("Pays de délivrance (facultatif)")).ToHaveCountAsync(1);
            await AccessibilityCheck.AssertNoSeriousViolationsAsync(page);
            await BrowserSteps.ScreenshotForDocsAsync(page, "kyc-application-fr");
        });
    }

    [Fact]
    public async Task A_language_the_platform_has_no_words_for_gets_english()
    {
        using var german = new HttpRequestMessage(HttpMethod.Get, "/account/login");
        german.Headers.AcceptLanguage.Add(new StringWithQualityHeaderValue("de-DE"));
        using var answer = await Server.Service.Client.SendAsync(german);
        var html = await answer.Content.ReadAsStringAsync();
        Assert.Contains("<h1>Sign in</h1>", html, StringComparison.Ordinal);

        using var french = new HttpRequestMessage(HttpMethod.Get, "/account/login");
        french.Headers.AcceptLanguage.Add(new StringWithQualityHeaderValue("fr"));
        using var frenchAnswer = await Server.Service.Client.SendAsync(french);
        Assert.Contains("<h1>Se connecter</h1>", await frenchAnswer.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    /// <summary>What the shared layout writes as <c>lang</c> for a French request: the language of the shared words' file (Platform.WebUi's).</summary>
    private static string ShellLanguage()
    {
        var previous = CultureInfo.CurrentUICulture;
        CultureInfo.CurrentUICulture = Fr;
        try
        {
            return WebUiText.Language;
        }
        finally
        {
            CultureInfo.CurrentUICulture = previous;
        }
    }
}
