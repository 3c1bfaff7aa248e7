using System.Globalization;
using System.Resources;

namespace Platform.ClinicianPortal.Text;

/// <summary>
/// The portal's words, in PortalText.resx (English, the default): pages read them through
/// <c>IStringLocalizer&lt;PortalText&gt;</c> (<c>T["…"]</c>, injected in <c>_ViewImports.cshtml</c>), page models
/// through the same localizer. A translation is a PortalText.&lt;culture&gt;.resx beside it, added to
/// <see cref="Platform.WebUi.Text.PageLocalization.Cultures"/>. <see cref="Get"/> is for what is built once at start-up (the header's links).
/// </summary>
public sealed class PortalText
{
    private static readonly ResourceManager Resources = new("Platform.ClinicianPortal.Text.PortalText", typeof(PortalText).Assembly);

    public static string Get(string name) =>
        Resources.GetString(name, CultureInfo.CurrentUICulture)
        ?? throw new InvalidOperationException($"PortalText.resx has no entry '{name}'.");
}
