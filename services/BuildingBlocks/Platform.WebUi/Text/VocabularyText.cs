using System.Globalization;
using System.Resources;

namespace Platform.WebUi.Text;

/// <summary>
/// The consent vocabulary in people's words, in the page's language (the request's UI culture): record categories,
/// purposes of use and provision actions, from VocabularyText.resx (English, the code lists' own displays) and
/// VocabularyText.&lt;culture&gt;.resx beside it. Shared by every service with pages, so a category has one name
/// everywhere. The codes stay the identifiers on the wire and in stored data; only pages say these words.
/// </summary>
public static class VocabularyText
{
    private static readonly ResourceManager Resources = new("Platform.WebUi.Text.VocabularyText", typeof(VocabularyText).Assembly);

    /// <summary>A record category's name (<c>observation</c>); a code outside the list as written.</summary>
    public static string Category(string code) => Say("Category:", code);

    /// <summary>A purpose of use in words (<c>TREAT</c>); a code outside the list as written.</summary>
    public static string Purpose(string code) => Say("Purpose:", code);

    /// <summary>A provision action in words (<c>access</c>); a code outside the list as written.</summary>
    public static string Action(string code) => Say("Action:", code);

    private static string Say(string prefix, string code) =>
        Resources.GetString(prefix + code, CultureInfo.CurrentUICulture) ?? code;
}
