using System.Globalization;
using System.Resources;

namespace Platform.WebUi.Text;

/// <summary>
/// The design system's own words (layout, component defaults), from WebUiText.resx: a translation is a
/// WebUiText.&lt;culture&gt;.resx beside it, picked by the request's UI culture.
/// </summary>
public static class WebUiText
{
    private static readonly ResourceManager Resources = new("Platform.WebUi.Text.WebUiText", typeof(WebUiText).Assembly);

    public static string ProductName => Get(nameof(ProductName));

    public static string SkipToMainContent => Get(nameof(SkipToMainContent));

    public static string NavigationLabel => Get(nameof(NavigationLabel));

    public static string MenuToggleText => Get(nameof(MenuToggleText));

    public static string MenuToggleHiddenText => Get(nameof(MenuToggleHiddenText));

    public static string FooterHiddenHeading => Get(nameof(FooterHiddenHeading));

    public static string FooterAbout => Get(nameof(FooterAbout));

    public static string FooterDesignSystem => Get(nameof(FooterDesignSystem));

    public static string ErrorSummaryTitle => Get(nameof(ErrorSummaryTitle));

    public static string ErrorPrefix => Get(nameof(ErrorPrefix));

    public static string BannerImportant => Get(nameof(BannerImportant));

    public static string BannerSuccess => Get(nameof(BannerSuccess));

    /// <summary>The page's <c>lang</c>: the language of the resource file the words come from.</summary>
    public static string Language => Get(nameof(Language));

    /// <summary>An entry by name, in the request's language (the layout's words have properties; other helpers name theirs).</summary>
    public static string Get(string name) =>
        Resources.GetString(name, CultureInfo.CurrentUICulture)
        ?? throw new InvalidOperationException($"WebUiText.resx has no entry '{name}'.");
}
