using System.Globalization;
using System.Resources;

namespace Platform.Identity.Text;

/// <summary>
/// The identity service's page words, in IdentityText.resx (English, the default) and IdentityText.fr.resx (French):
/// pages read them through <c>IStringLocalizer&lt;IdentityText&gt;</c> (<c>T["…"]</c>, injected in
/// <c>Pages/_ViewImports.cshtml</c>), page models and validation messages through the same localizer, the page
/// scripts from <c>data-text-*</c> attributes the pages fill in. Another language is an IdentityText.&lt;culture&gt;.resx
/// beside them and its culture in <see cref="Platform.WebUi.Text.PageLocalization.Cultures"/>. <see cref="Get(string)"/>
/// is for what is built once at start-up (the header's links).
/// </summary>
public sealed class IdentityText
{
    private static readonly ResourceManager Resources = new("Platform.Identity.Text.IdentityText", typeof(IdentityText).Assembly);

    public static string Get(string name) => Get(name, CultureInfo.CurrentUICulture);

    public static string Get(string name, CultureInfo culture) =>
        Resources.GetString(name, culture)
        ?? throw new InvalidOperationException($"IdentityText.resx has no entry '{name}'.");
}
