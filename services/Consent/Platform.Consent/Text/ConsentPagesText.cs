using System.Globalization;
using System.Resources;

namespace Platform.Consent.Text;

/// <summary>
/// The words of the consent service's pages (<c>/my/consents</c>, <c>/my/requests</c>, access denied), in
/// ConsentPagesText.resx (English, the default) and ConsentPagesText.fr.resx: pages read them through
/// <c>IStringLocalizer&lt;ConsentPagesText&gt;</c> (<c>T["…"]</c>, injected in <c>Pages/_ViewImports.cshtml</c>), page
/// models through the same localizer. A translation is a ConsentPagesText.&lt;culture&gt;.resx beside them, its culture
/// added to <see cref="Platform.WebUi.Text.PageLocalization.Cultures"/>. <see cref="Get"/> is for the header's links,
/// built once at start-up and worded per request.
/// </summary>
public sealed class ConsentPagesText
{
    private static readonly ResourceManager Resources = new("Platform.Consent.Text.ConsentPagesText", typeof(ConsentPagesText).Assembly);

    public static string Get(string name) =>
        Resources.GetString(name, CultureInfo.CurrentUICulture)
        ?? throw new InvalidOperationException($"ConsentPagesText.resx has no entry '{name}'.");
}
