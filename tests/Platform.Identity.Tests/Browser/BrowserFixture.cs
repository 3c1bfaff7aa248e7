using Microsoft.Playwright;
using Platform.Identity.Testing;

namespace Platform.Identity.Tests.Browser;

/// <summary>
/// One identity service and one headless Chromium shared by a test class; each test opens its own browser context
/// (its own cookies). The browser is the distribution's Chromium (Debian package <c>chromium</c>, which
/// tests/run.sh installs), driven offline through the Playwright driver that ships in the NuGet package: nothing
/// is downloaded, and a missing browser fails the tests rather than skipping them.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private IPlaywright? _playwright;

    public IdentityServer Server { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException(
                $"The browser tests need Chromium at {ChromiumPath}: run tests/run.sh, or install it (Debian: apt-get install chromium).");
        }
        Server = await IdentityServer.StartAsync();
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
    }

    /// <summary>
    /// A fresh context (no cookies) and page whose relative URLs resolve against the identity service; the browser's
    /// language (its Accept-Language) is British English unless another locale is given.
    /// </summary>
    public async Task<(IBrowserContext Context, IPage Page)> NewPageAsync(string locale = "en-GB")
    {
        var context = await Browser.NewContextAsync(new() { BaseURL = Server.BaseAddress.ToString(), Locale = locale });
        context.SetDefaultTimeout(30_000);
        context.SetDefaultNavigationTimeout(30_000);
        var page = await context.NewPageAsync();
        // Nothing listens at the portal's redirect URI: answer it in the browser, so the test can read the code
        // from the final URL. Any other address outside the identity service that the page opens is refused (the
        // tests stay offline). Playwright offers no redirect hop to a route handler (it continues them itself), so
        // a server redirect to the portal is not answered here: see ClinicianBrowserSignInTests.SubmitToPortalAsync.
        await page.RouteAsync(url => !url.StartsWith(Server.BaseAddress.ToString(), StringComparison.Ordinal), async route =>
        {
            if (route.Request.Url.StartsWith(IdentityServer.PortalRedirect, StringComparison.Ordinal))
            {
                await route.FulfillAsync(new()
                {
                    Status = 200,
                    ContentType = "text/html; charset=utf-8",
                    Body = "<!DOCTYPE html><html lang=\"en\"><head><title>Portal</title></head><body><h1>Signed in</h1></body></html>",
                });
            }
            else
            {
                await route.AbortAsync("addressunreachable");
            }
        });
        return (context, page);
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }
        _playwright?.Dispose();
        if (Server is not null)
        {
            await Server.DisposeAsync();
        }
    }
}
