using System.Globalization;
using System.Resources;

namespace Platform.RecordVault.Text;

/// <summary>
/// The words of the patient portal (<c>/my</c> on the record vault: overview, records, a record, erase, export, access
/// log, notifications, access denied), in PatientPortalText.resx (English, the default) and PatientPortalText.fr.resx:
/// pages read them through <c>IStringLocalizer&lt;PatientPortalText&gt;</c> (<c>T["…"]</c>, injected in
/// <c>Pages/_ViewImports.cshtml</c>), page models through the same localizer. <see cref="Get"/> is for what is not a
/// page (the header's links, the notifications, a record's summary), worded in the request's language. A translation
/// is a PatientPortalText.&lt;culture&gt;.resx beside them, its culture added to
/// <see cref="Platform.WebUi.Text.PageLocalization.Cultures"/>.
/// </summary>
public sealed class PatientPortalText
{
    private static readonly ResourceManager Resources = new("Platform.RecordVault.Text.PatientPortalText", typeof(PatientPortalText).Assembly);

    public static string Get(string name) =>
        Resources.GetString(name, CultureInfo.CurrentUICulture)
        ?? throw new InvalidOperationException($"PatientPortalText.resx has no entry '{name}'.");

    /// <summary>An entry with placeholders, filled in.</summary>
    public static string Get(string name, params object?[] values) => string.Format(CultureInfo.CurrentCulture, Get(name), values);
}
