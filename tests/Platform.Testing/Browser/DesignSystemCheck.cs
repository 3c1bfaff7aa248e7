using System.Text.Json;
using Microsoft.Playwright;
using Xunit;

namespace Platform.Testing.Browser;

/// <summary>
/// Checks that a page is drawn by the design system (Platform.WebUi) as a person would meet it: the NHS.UK stylesheet
/// loaded from the page's own origin and applied (the CSP let it in), a skip link that is hidden until the keyboard
/// reaches it and then visible, and no sideways scrolling on a 390-pixel-wide phone.
/// </summary>
public static class DesignSystemCheck
{
    public const string StylesheetPath = "/assets/nhsuk/nhsuk-frontend.min.css";

    /// <summary>The NHS.UK header blue (<c>#005eb8</c>), as computed styles report it.</summary>
    private const string HeaderBlue = "rgb(0, 94, 184)";

    public static async Task AssertAsync(IPage page)
    {
        ArgumentNullException.ThrowIfNull(page);
        await AssertStylesheetAppliedAsync(page);
        await AssertSkipLinkVisibleOnlyOnFocusAsync(page);
        await AssertNoSidewaysScrollOnPhoneAsync(page);
    }

    public static async Task AssertStylesheetAppliedAsync(IPage page)
    {
        ArgumentNullException.ThrowIfNull(page);
        var json = await page.EvaluateAsync<string>(@"() => JSON.stringify({
            sheets: [...document.styleSheets].filter(s => s.href && new URL(s.href).origin === location.origin
                && new URL(s.href).pathname === '" + StylesheetPath + @"').map(s => s.cssRules.length),
            header: getComputedStyle(document.querySelector('header.nhsuk-header')).backgroundColor,
            main: document.querySelectorAll('main#maincontent').length
        })");
        var found = JsonDocument.Parse(json).RootElement;
        var sheets = found.GetProperty("sheets").EnumerateArray().Select(e => e.GetInt32()).ToList();
        Assert.True(sheets.Count == 1 && sheets[0] > 1000, $"{page.Url}: the design system's stylesheet is not loaded from the page's origin ({json}).");
        Assert.True(found.GetProperty("header").GetString() == HeaderBlue, $"{page.Url}: the header is not drawn by the design system ({json}).");
        Assert.True(found.GetProperty("main").GetInt32() == 1, $"{page.Url}: no single <main id=\"maincontent\"> ({json}).");
    }

    public static async Task AssertSkipLinkVisibleOnlyOnFocusAsync(IPage page)
    {
        ArgumentNullException.ThrowIfNull(page);
        var skip = page.Locator("a.nhsuk-skip-link");
        await Assertions.Expect(skip).ToHaveCountAsync(1);
        Assert.Equal("#maincontent", await skip.GetAttributeAsync("href"));
        var hidden = await skip.BoundingBoxAsync();
        Assert.True(hidden is null || hidden.Width <= 1 || hidden.Height <= 1, $"{page.Url}: the skip link shows before it has the focus ({hidden?.Width}x{hidden?.Height}).");

        // The first Tab from the top of the page lands on it, and then it is there to see. A page reached with a
        // fragment (#maincontent, kept by the browser across a form's redirect) starts the Tab order there: loaded again without it.
        var url = new Uri(page.Url);
        if (url.Fragment.Length > 0)
        {
            await page.GotoAsync(url.GetLeftPart(UriPartial.Query));
        }
        await page.EvaluateAsync("() => { document.activeElement?.blur(); window.scrollTo(0, 0); }");
        await page.Keyboard.PressAsync("Tab");
        await Assertions.Expect(skip).ToBeFocusedAsync();
        var shown = await skip.BoundingBoxAsync();
        Assert.True(shown is { Width: > 20, Height: > 10 }, $"{page.Url}: the focused skip link is not visible ({shown?.Width}x{shown?.Height}).");

        // Following it puts the keyboard in the main content (the frontend's script makes <main> focusable for this).
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.Locator("#maincontent")).ToBeFocusedAsync();
    }

    public static async Task AssertNoSidewaysScrollOnPhoneAsync(IPage page)
    {
        ArgumentNullException.ThrowIfNull(page);
        var size = page.ViewportSize;
        await page.SetViewportSizeAsync(390, 844);
        try
        {
            // The header's script folds links that do not fit into its "More" menu on the resize event, a moment after the
            // viewport changes (a phone loads at its width from the start): give it up to 3 s; a page that stays too wide fails.
            var widths = await MeasureWidthsAsync(page);
            for (var waited = 0; widths[0] > widths[1] && waited < 3_000; waited += 100)
            {
                await page.WaitForTimeoutAsync(100);
                widths = await MeasureWidthsAsync(page);
            }
            Assert.True(widths[0] <= widths[1], $"{page.Url}: at 390 px the page is {widths[0]} px wide and scrolls sideways.");
        }
        finally
        {
            if (size is not null)
            {
                await page.SetViewportSizeAsync(size.Width, size.Height);
            }
        }
    }

    private static Task<int[]> MeasureWidthsAsync(IPage page) =>
        page.EvaluateAsync<int[]>("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]");
}
