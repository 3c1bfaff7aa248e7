using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Platform.Testing.Browser;

/// <summary>Steps the browser tests of every service share: waiting for a page, a screenshot when a test fails, the docs' screenshots.</summary>
public static class BrowserSteps
{
    /// <summary>Set to 1 to (re)write the screenshots under docs/screenshots while the browser tests run.</summary>
    public const string ScreenshotsVariable = "PLATFORM_DOCS_SCREENSHOTS";

    public static async Task WaitForPathAsync(IPage page, string path)
    {
        ArgumentNullException.ThrowIfNull(page);
        try
        {
            // Expect polls the URL; WaitForURLAsync can miss a navigation that commits just as it starts waiting.
            await Assertions.Expect(page).ToHaveURLAsync(new Regex("^https?://[^/]+" + Regex.Escape(path) + "([?#].*)?$"), new() { Timeout = 30_000 });
            await WaitForDocumentLoadedAsync(page);
        }
        catch (PlaywrightException e)
        {
            throw new InvalidOperationException($"Expected {path}, the browser is at {page.Url}: {await BodyTextAsync(page)}", e);
        }
    }

    /// <summary>
    /// Waits until the page's document has loaded, by polling its own state rather than waiting for its load event: a
    /// wait for the event timed out at times with the page loaded and the network idle (a CI run of 5 Dec,
    /// ResearchPageTests), the event seemingly missed by a waiter that started just as a new document committed.
    /// </summary>
    public static async Task WaitForDocumentLoadedAsync(IPage page)
    {
        ArgumentNullException.ThrowIfNull(page);
        await page.WaitForFunctionAsync("() => document.readyState === 'complete'", null, new() { PollingInterval = 100, Timeout = 30_000 });
    }

    /// <summary>
    /// Fills in the identity service's sign-in page (the browser is on it) by its fields' ids, not their labels, so that
    /// it works in whichever language the page is written.
    /// </summary>
    public static async Task SignInAsync(IPage page, string email, string password)
    {
        ArgumentNullException.ThrowIfNull(page);
        await page.Locator("#email").FillAsync(email);
        await page.Locator("#password").FillAsync(password);
        await page.Locator("main form button[type=submit]").ClickAsync();
    }

    /// <summary>
    /// Saves the page as docs/screenshots/<paramref name="name"/>.png (full page, a 390-pixel-wide phone and a desktop
    /// width) when <see cref="ScreenshotsVariable"/> is 1; otherwise does nothing, so a test run leaves the tree as it was.
    /// </summary>
    public static async Task ScreenshotForDocsAsync(IPage page, string name)
    {
        ArgumentNullException.ThrowIfNull(page);
        if (Environment.GetEnvironmentVariable(ScreenshotsVariable) != "1")
        {
            return;
        }
        var folder = RepositoryRoot.Combine("docs", "screenshots");
        Directory.CreateDirectory(folder);
        var size = page.ViewportSize;
        await page.SetViewportSizeAsync(1024, 768);
        await page.ScreenshotAsync(new() { Path = Path.Combine(folder, name + ".png"), FullPage = true });
        await page.SetViewportSizeAsync(390, 844);
        await page.ScreenshotAsync(new() { Path = Path.Combine(folder, name + "-phone.png"), FullPage = true });
        if (size is not null)
        {
            await page.SetViewportSizeAsync(size.Width, size.Height);
        }
    }

    /// <summary>On failure, keeps a screenshot of the page (path in the failure message) to show what a person would have seen.</summary>
    public static async Task WithScreenshotOnFailureAsync(IPage page, Func<Task> steps)
    {
        ArgumentNullException.ThrowIfNull(page);
        ArgumentNullException.ThrowIfNull(steps);
        try
        {
            await steps();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            var screenshot = Path.Combine(Path.GetTempPath(), $"browser-{Guid.NewGuid():N}.png");
            try
            {
                await page.ScreenshotAsync(new() { Path = screenshot, FullPage = true, Timeout = 5_000 });
            }
            catch (PlaywrightException shot)
            {
                screenshot = "none (" + shot.Message + ")";
            }
            throw new Xunit.Sdk.XunitException($"{e.Message}\nAt {page.Url}; screenshot: {screenshot}\n{e}");
        }
    }

    public static async Task<string> BodyTextAsync(IPage page)
    {
        ArgumentNullException.ThrowIfNull(page);
        try
        {
            var text = await page.Locator("body").InnerTextAsync(new() { Timeout = 2_000 });
            return text.Length > 600 ? text[..600] : text;
        }
        catch (PlaywrightException)
        {
            return "(no page text)";
        }
    }
}
