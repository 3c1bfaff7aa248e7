using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Platform.Identity.Testing;
using Platform.Testing.Browser;
using static Microsoft.Playwright.Assertions;

namespace Platform.Journey.Tests.ClinicianPortal;

/// <summary>The sign-ins the portal journeys share: a clinician through the portal (password, then TOTP), a patient at a page of their portal.</summary>
public static class PortalSteps
{
    /// <summary>Opens the portal, which sends the browser to the identity service; password, then the TOTP code, then back.</summary>
    public static async Task SignInAsClinicianAsync(PortalPlatform platform, IPage page, TestAccount clinician)
    {
        ArgumentNullException.ThrowIfNull(platform);
        ArgumentNullException.ThrowIfNull(page);
        ArgumentNullException.ThrowIfNull(clinician);
        await page.GotoAsync(platform.Portal.AbsoluteUri);
        await BrowserSteps.WaitForPathAsync(page, "/account/login");
        await page.GetByLabel("E-mail address", new() { Exact = true }).FillAsync(clinician.Email);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(clinician.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await BrowserSteps.WaitForPathAsync(page, "/account/login-2fa");
        await page.GetByLabel("6-digit code").FillAsync(clinician.NextCode());
        await page.GetByRole(AriaRole.Button, new() { Name = "Verify" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("^" + Regex.Escape(platform.Portal.AbsoluteUri) + "$"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "My patients" })).ToBeVisibleAsync();
        // The clinician-portal client requires DPoP: the session's token is bound to the portal's key (cnf.jkt, RFC 9449).
        var token = await platform.PortalSessionAccessTokenAsync(page);
        Assert.Equal(platform.PortalDpopKey.Thumbprint, Jwt.Payload(token).GetProperty("cnf").GetProperty("jkt").GetString());
    }

    /// <summary>Opens <paramref name="page"/>'s <paramref name="url"/>, signs the patient in with their password when the service asks, and waits to be back there.</summary>
    public static async Task SignInAsPatientAtAsync(IPage page, Uri url, TestAccount patient)
    {
        ArgumentNullException.ThrowIfNull(page);
        ArgumentNullException.ThrowIfNull(url);
        ArgumentNullException.ThrowIfNull(patient);
        await page.GotoAsync(url.AbsoluteUri);
        await BrowserSteps.WaitForPathAsync(page, "/account/login");
        await page.GetByLabel("E-mail address", new() { Exact = true }).FillAsync(patient.Email);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(patient.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await BrowserSteps.WaitForPathAsync(page, url.AbsolutePath);
    }
}
