using System.Globalization;

namespace Platform.WebUi.Text;

/// <summary>
/// Which form of a counted phrase a language uses ("1 record", "2 records"): a resource file has one entry per form,
/// <c>&lt;Key&gt;One</c> and <c>&lt;Key&gt;Other</c>, and <see cref="Key"/> picks the one for the count in the request's
/// language, so that no page builds a plural by adding an "s". The rules are CLDR's cardinal rules for the platform's
/// languages: English says "one" for 1 only, French for 0 and 1 ("0 dossier", "1 dossier", "2 dossiers").
/// </summary>
public static class PluralForms
{
    public const string One = "One";
    public const string Other = "Other";

    public static string Key(string key, long count) => Key(key, count, CultureInfo.CurrentUICulture);

    public static string Key(string key, long count, CultureInfo culture)
    {
        ArgumentNullException.ThrowIfNull(culture);
        return key + (IsOne(count, culture) ? One : Other);
    }

    private static bool IsOne(long count, CultureInfo culture) => culture.TwoLetterISOLanguageName switch
    {
        "fr" => count is 0 or 1,
        _ => count == 1,
    };
}
