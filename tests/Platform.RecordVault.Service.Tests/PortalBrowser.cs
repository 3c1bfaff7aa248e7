using Microsoft.Playwright;

namespace Platform.RecordVault.Service.Tests;

/// <summary>
/// One headless Chromium (the distribution's, as the identity service's browser tests use) for the patient portal's
/// tests; each test opens its own context (its own cookies). A missing browser fails the tests, never skips them.
/// </summary>
public sealed class PortalBrowser : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"The portal's browser tests need Chromium at {ChromiumPath}: run tests/run.sh, or install it (Debian: apt-get install chromium).");
        }
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
    }

    /// <summary>A fresh context whose relative URLs resolve against <paramref name="baseAddress"/>.</summary>
    public async Task<(IBrowserContext Context, IPage Page)> NewPageAsync(Uri baseAddress, string locale = "en-GB")
    {
        ArgumentNullException.ThrowIfNull(baseAddress);
        var context = await Browser.NewContextAsync(new() { BaseURL = baseAddress.ToString(), Locale = locale, AcceptDownloads = true });
        context.SetDefaultTimeout(30_000);
        context.SetDefaultNavigationTimeout(30_000);
        return (context, await context.NewPageAsync());
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }
        _playwright?.Dispose();
    }
}
