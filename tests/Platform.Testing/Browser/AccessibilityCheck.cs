using System.Text.Json;
using Microsoft.Playwright;
using Xunit;

namespace Platform.Testing.Browser;

/// <summary>
/// Runs axe-core (vendored, <c>Browser/axe-core</c>) inside a page loaded in Chromium and fails on any violation of
/// impact <c>serious</c> or <c>critical</c>, naming the rule and the elements. The script goes in through the
/// DevTools protocol (Playwright's evaluate), which the pages' CSP (<c>script-src 'self'</c>) does not govern, so
/// the page is checked under its real policy.
/// </summary>
public static class AccessibilityCheck
{
    private static readonly Lazy<string> AxeSource = new(() =>
    {
        using var stream = typeof(AccessibilityCheck).Assembly.GetManifestResourceStream("Platform.Testing.axe.min.js")
            ?? throw new InvalidOperationException("axe.min.js is not embedded in Platform.Testing.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    });

    /// <summary>The serious and critical violations on the page as it is now (WCAG 2.x A and AA rules and best practices).</summary>
    public static async Task<IReadOnlyList<string>> SeriousViolationsAsync(IPage page)
    {
        ArgumentNullException.ThrowIfNull(page);
        if (!await page.EvaluateAsync<bool>("() => typeof window.axe === 'object'"))
        {
            // Wrapped in a function so Playwright runs it as a script body, whatever the file's first characters are.
            await page.EvaluateAsync("() => { " + AxeSource.Value + "\n}");
        }
        var json = await page.EvaluateAsync<string>(
            "async () => JSON.stringify((await axe.run(document, { resultTypes: ['violations'] })).violations" +
            ".filter(v => v.impact === 'serious' || v.impact === 'critical')" +
            ".map(v => v.id + ' (' + v.impact + '): ' + v.help + ' at ' + v.nodes.map(n => n.target.join(' ')).slice(0, 5).join(', ')))");
        return JsonSerializer.Deserialize<List<string>>(json) ?? [];
    }

    /// <summary>Fails with every serious or critical violation listed when the page has any.</summary>
    public static async Task AssertNoSeriousViolationsAsync(IPage page)
    {
        var violations = await SeriousViolationsAsync(page);
        Assert.True(violations.Count == 0, $"axe-core found {violations.Count} serious or critical violations on {page.Url}:\n" + string.Join("\n", violations));
    }
}
