using Platform.Identity.Kyc;

namespace Platform.Identity.Kyc.Tests;

public sealed class NameNormalizerTests
{
    [Theory]
    [InlineData("Müller", "MUELLER", "MULLER")]
    [InlineData("Bärbel", "BAERBEL", "BARBEL")]
    [InlineData("Östergård", "OESTERGAARD", "OSTERGARD")]
    [InlineData("Ødegård", "OEDEGAARD", "ODEGARD")]
    public void Umlauts_and_rings_have_the_ICAO_spelling_first_and_the_plain_one_second(string name, string icao, string plain)
    {
        var variants = NameNormalizer.Variants(name);

        Assert.Equal([icao], variants[0]);
        Assert.Equal([plain], variants[1]);
    }

    [Theory]
    [InlineData("Straße", "STRASSE")]
    [InlineData("Æsa", "AESA")]
    [InlineData("Œuvre", "OEUVRE")]
    [InlineData("Þórsdóttir", "THORSDOTTIR")]
    [InlineData("Łukasz", "LUKASZ")]
    [InlineData("Đorđe", "DORDE")]
    [InlineData("Élodie Françoise", "ELODIE FRANCOISE")]
    [InlineData("José Ñúñez", "JOSE NUNEZ")]
    [InlineData("Dvořák", "DVORAK")]
    public void Other_letters_transliterate_or_lose_their_marks_the_same_way_in_both_spellings(string name, string expected)
    {
        var variants = NameNormalizer.Variants(name);

        Assert.Equal(expected, string.Join(' ', Assert.Single(variants)));
    }

    [Theory]
    [InlineData("Железняков", "ZHELEZNIAKOV")]
    [InlineData("Юлия", "IULIIA")]
    [InlineData("Щукин", "SHCHUKIN")]
    [InlineData("Объедков", "OBIEEDKOV")]
    [InlineData("Игорь", "IGOR")]
    [InlineData("Хрущёв", "KHRUSHCHEV")]
    [InlineData("Цой", "TSOI")]
    public void Cyrillic_follows_the_Doc_9303_table(string name, string expected) =>
        Assert.Equal(expected, NameNormalizer.Normalize(name));

    [Theory]
    [InlineData("O'Brien", "OBRIEN")]
    [InlineData("D’Artagnan", "DARTAGNAN")]
    [InlineData("Jean-Luc", "JEAN LUC")]
    [InlineData("MUELLER<LUEDENSCHEIDT", "MUELLER LUEDENSCHEIDT")]
    [InlineData("  eriksson ,  anna   maria ", "ERIKSSON ANNA MARIA")]
    [InlineData("Anna2 Maria", "ANNA MARIA")]
    public void Apostrophes_vanish_and_other_punctuation_separates_tokens(string name, string expected) =>
        Assert.Equal(expected, NameNormalizer.Normalize(name));

    [Fact]
    public void Letters_of_other_scripts_are_kept_so_such_names_still_compare()
    {
        Assert.Equal("李小龍", NameNormalizer.Normalize("李小龍"));
        Assert.Equal(1.0, NameMatcher.Similarity("李小龍", "李小龍"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  -- ' ")]
    public void Names_without_letters_have_no_tokens(string? name)
    {
        Assert.Empty(NameNormalizer.Variants(name));
        Assert.Equal(string.Empty, NameNormalizer.Normalize(name));
    }

    // Outside the Basic Multilingual Plane a character is two UTF-16 units; normalising them one at a time threw.
    [Theory]
    [InlineData("𠀋子", "𠀋子")]          // a CJK extension B letter (a real name character) stays a letter
    [InlineData("Anna 😀 Maria", "ANNA MARIA")] // a symbol separates tokens like punctuation
    [InlineData("𝔄nna", "𝔄NNA")]        // a mathematical letter is a letter, kept as it is
    public void Characters_outside_the_BMP_are_read_as_whole_code_points(string name, string expected) =>
        Assert.Equal(expected, NameNormalizer.Normalize(name));

    [Fact]
    public void A_lone_surrogate_separates_tokens_instead_of_throwing()
    {
        Assert.Equal("ANNA MARIA", NameNormalizer.Normalize("Anna\uD83DMaria"));
        Assert.Equal(1.0, NameMatcher.Similarity("𠀋子 Anna", "Anna 𠀋子"));
    }
}
