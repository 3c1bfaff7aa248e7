using System.Reflection;
using System.Text.RegularExpressions;
using Platform.WebUi;
using Platform.WebUi.Text;

namespace Platform.BuildingBlocks.Tests.WebUi;

/// <summary>The design system's embedded files and words: what the pages ask for is there, and nothing points elsewhere.</summary>
public sealed partial class WebUiAssetsTests
{
    [Fact]
    public void Every_file_the_layout_and_the_stylesheet_ask_for_is_embedded()
    {
        var asked = new[] { WebUiAssets.Stylesheet, WebUiAssets.PlatformStylesheet, WebUiAssets.JsEnabledScript, WebUiAssets.InitModule }
            .Select(path => path["/assets/".Length..path.IndexOf('?', StringComparison.Ordinal)])
            .Concat(IconUrl().Matches(Css()).Select(m => "nhsuk/images/" + m.Groups[1].Value))
            .ToList();
        Assert.Contains("nhsuk/images/nhsuk-icon-cross.svg", asked);
        Assert.All(asked, path => Assert.Contains(path, WebUiAssets.Paths));
    }

    [Fact]
    public void The_vendored_stylesheet_is_the_pinned_release_and_loads_nothing_from_another_origin()
    {
        var css = Css();
        Assert.Contains($"--nhsuk-frontend-version:\"{WebUiAssets.NhsukFrontendVersion}\"", css, StringComparison.Ordinal);
        Assert.DoesNotContain("@font-face", css, StringComparison.Ordinal);
        Assert.DoesNotContain("url(http", css, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("url(/assets/images/", css, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_word_of_the_design_system_is_in_its_resource_file()
    {
        var words = typeof(WebUiText).GetProperties(BindingFlags.Public | BindingFlags.Static).Where(p => p.PropertyType == typeof(string)).ToList();
        Assert.True(words.Count >= 10);
        Assert.All(words, word => Assert.False(string.IsNullOrWhiteSpace((string?)word.GetValue(null)), word.Name));
        Assert.Equal("en", WebUiText.Language);
    }

    private static string Css()
    {
        using var stream = typeof(WebUiAssets).Assembly.GetManifestResourceStream("assets/nhsuk/nhsuk-frontend.min.css")!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    [GeneratedRegex(@"url\(/assets/nhsuk/images/([a-z0-9-]+\.svg)\)")]
    private static partial Regex IconUrl();
}
