using System.Globalization;
using Platform.Contracts.CodeLists;
using Platform.WebUi.Text;

namespace Platform.BuildingBlocks.Tests.WebUi;

/// <summary>
/// Pages name every record category, purpose and action in the page's language: each code of the three lists has its
/// words in English (the list's own display, so English pages read as before) and in French (other words), and a code
/// outside the lists is shown as written.
/// </summary>
public sealed class VocabularyTextTests
{
    private static readonly CultureInfo English = CultureInfo.GetCultureInfo("en");
    private static readonly CultureInfo French = CultureInfo.GetCultureInfo("fr");

    public static TheoryData<string, string, string> Codes()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var category in RecordCategories.All)
        {
            data.Add("Category", category.Code, category.Display);
        }
        foreach (var purpose in PurposesOfUse.All)
        {
            data.Add("Purpose", purpose.Code, purpose.Display);
        }
        foreach (var (code, display) in ProvisionActions.All)
        {
            data.Add("Action", code, display);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Codes))]
    public void Every_code_has_its_english_display_and_french_words(string kind, string code, string display)
    {
        Assert.Equal(display, Say(kind, code, English));
        var french = Say(kind, code, French);
        Assert.NotEqual(code, french);
        Assert.NotEqual(display, french);
    }

    [Fact]
    public void French_names_read_as_french_and_unknown_codes_stay_as_written()
    {
        Assert.Equal("Observations (signes vitaux, résultats de laboratoire)", Say("Category", RecordCategories.Observation, French));
        Assert.Equal("soins", Say("Purpose", PurposesOfUse.Treatment, French));
        Assert.Equal("lire les dossiers", Say("Action", ProvisionActions.Access, French));
        Assert.Equal("not-a-category", Say("Category", "not-a-category", French));
    }

    private static string Say(string kind, string code, CultureInfo culture)
    {
        var previous = CultureInfo.CurrentUICulture;
        CultureInfo.CurrentUICulture = culture;
        try
        {
            return kind switch
            {
                "Category" => VocabularyText.Category(code),
                "Purpose" => VocabularyText.Purpose(code),
                _ => VocabularyText.Action(code),
            };
        }
        finally
        {
            CultureInfo.CurrentUICulture = previous;
        }
    }
}
