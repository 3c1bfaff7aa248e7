using Platform.Identity.Kyc;

namespace Platform.Identity.Kyc.Tests;

public sealed class NameMatcherTests
{
    [Theory]
    [InlineData("Anna Maria Eriksson", "Anna Maria Eriksson")]
    [InlineData("Anna Maria Eriksson", "ERIKSSON ANNA MARIA")]
    [InlineData("Eriksson, Maria Anna", "anna maria eriksson")]
    public void Exact_and_reordered_names_score_one(string a, string b) =>
        Assert.Equal(1.0, NameMatcher.Similarity(a, b));

    [Theory]
    [InlineData("Müller", "MUELLER")]
    [InlineData("Müller", "MULLER")]
    [InlineData("Bärbel Östergård-Müller", "BAERBEL OESTERGAARD MUELLER")]
    [InlineData("Bärbel Östergård-Müller", "Barbel Ostergard Muller")]
    [InlineData("Виктор Иванович Железняков", "Viktor Ivanovich Zhelezniakov")]
    [InlineData("Siobhán Ní Fhaoláin", "SIOBHAN NI FHAOLAIN")]
    public void Transliterated_and_accent_free_spellings_score_one(string a, string b) =>
        Assert.Equal(1.0, NameMatcher.Similarity(a, b));

    [Fact]
    public void A_missing_middle_name_costs_the_unpaired_token_penalty()
    {
        Assert.Equal(1 - NameMatcher.UnpairedTokenPenalty, NameMatcher.Similarity("Anna Eriksson", "Anna Maria Eriksson"), 10);
    }

    [Theory]
    [InlineData("Ana Maria Erikson", "Anna Maria Eriksson", 0.975)]
    [InlineData("Berbel Ostergard Muller", "Bärbel Östergård-Müller", 0.9714)]
    [InlineData("Viktor Zheleznyakov", "Viktor Ivanovich Zhelezniakov", 0.9289)]
    public void Near_misses_score_high(string a, string b, double expected) =>
        Assert.Equal(expected, NameMatcher.Similarity(a, b), 4);

    [Theory]
    [InlineData("John Smith", "Anna Maria Eriksson")]
    [InlineData("Anna Maria Svensson", "Anna Maria Eriksson")]
    [InlineData("Hans Mueller", "Bärbel Östergård-Müller")]
    [InlineData("Viktor Petrov", "Viktor Ivanovich Zhelezniakov")]
    public void Different_people_score_below_the_default_threshold(string a, string b) =>
        Assert.True(NameMatcher.Similarity(a, b) < new ScreeningOptions().Threshold);

    [Fact]
    public void A_lone_given_name_never_matches_a_full_name()
    {
        Assert.Equal(NameMatcher.SingleTokenFactor, NameMatcher.Similarity("Anna", "Anna Maria Eriksson"), 10);
        Assert.Equal(1.0, NameMatcher.Similarity("Anna", "ANNA"));
    }

    [Fact]
    public void Similarity_is_symmetric_and_empty_names_match_nothing()
    {
        Assert.Equal(NameMatcher.Similarity("Ana Maria Erikson", "Anna Eriksson"), NameMatcher.Similarity("Anna Eriksson", "Ana Maria Erikson"));
        Assert.Equal(0.0, NameMatcher.Similarity(string.Empty, "Anna"));
        Assert.Equal(0.0, NameMatcher.Similarity("--", "--"));
    }
}
