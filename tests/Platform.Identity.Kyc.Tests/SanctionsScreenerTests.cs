using Platform.Identity.Kyc;

namespace Platform.Identity.Kyc.Tests;

public sealed class SanctionsScreenerTests
{
    private static readonly SanctionsList Sample = SanctionsListFile.Load(SanctionsListFileTests.SamplePath).List!;

    [Theory]
    [InlineData("Viktor Ivanovich Zhelezniakov", "SMP-0001")]
    [InlineData("Zhelezniakov Viktor Ivanovich", "SMP-0001")]
    [InlineData("Виктор Железняков", "SMP-0001")]
    [InlineData("Victor Jeleznyakov", "SMP-0001")]
    [InlineData("Viktor Zheleznyakov", "SMP-0001")]
    [InlineData("Barbel Ostergard-Muller", "SMP-0002")]
    [InlineData("MUELLER BAERBEL OESTERGAARD", "SMP-0002")]
    [InlineData("Siobhan O'Phelan", "SMP-0004")]
    [InlineData("Siobhan Ni Fhaolain", "SMP-0004")]
    [InlineData("SIGRUN THORSDOTTIR OEDEGAARD", "SMP-0005")]
    public void Exact_reordered_accented_transliterated_and_near_miss_names_hit(string name, string entryId)
    {
        var hit = Assert.Single(Screen(name));

        Assert.Equal(entryId, hit.EntryId);
    }

    [Theory]
    [InlineData("Anna Maria Eriksson")]
    [InlineData("Viktor Petrov")]
    [InlineData("Hans Mueller")]
    [InlineData("Maximilian Schmidt")]
    [InlineData("Siobhan")]
    public void Clearly_different_names_do_not_hit(string name) => Assert.Empty(Screen(name));

    [Fact]
    public void A_near_miss_hits_just_below_its_score_and_not_just_above()
    {
        var score = NameMatcher.Similarity("Viktor Zheleznyakov", "Viktor Ivanovich Zhelezniakov");
        Assert.Equal(0.9289, score, 4);

        Assert.Single(Screen("Viktor Zheleznyakov", threshold: score - 0.005));
        Assert.Single(Screen("Viktor Zheleznyakov", threshold: score));
        Assert.Empty(Screen("Viktor Zheleznyakov", threshold: score + 0.005));
    }

    [Fact]
    public void Lowering_the_threshold_catches_more_distant_spellings()
    {
        var list = new SanctionsList([Entry("E1", "Anna Maria Eriksson")]);

        Assert.Empty(SanctionsScreener.Screen(list, ["Anna Maria Svensson"], null, null, new ScreeningOptions()));
        Assert.Single(SanctionsScreener.Screen(list, ["Anna Maria Svensson"], null, null, new ScreeningOptions { Threshold = 0.88 }));
    }

    [Fact]
    public void A_contradicting_birth_date_clears_a_namesake_unless_configured_otherwise()
    {
        Assert.Single(Screen("Viktor Ivanovich Zhelezniakov", birthDate: new DateOnly(1961, 3, 14)));
        Assert.Empty(Screen("Viktor Ivanovich Zhelezniakov", birthDate: new DateOnly(1990, 1, 1)));

        var kept = SanctionsScreener.Screen(Sample, ["Viktor Ivanovich Zhelezniakov"], new DateOnly(1990, 1, 1), null, new ScreeningOptions { DiscardOnBirthDateMismatch = false });
        Assert.False(Assert.Single(kept).BirthDateAgrees);
    }

    [Fact]
    public void A_year_only_birth_date_is_compared_by_year()
    {
        Assert.True(Assert.Single(Screen("Barbel Ostergard Muller", birthDate: new DateOnly(1975, 12, 1))).BirthDateAgrees);
        Assert.Empty(Screen("Barbel Ostergard Muller", birthDate: new DateOnly(1976, 1, 1)));
    }

    [Fact]
    public void Entries_without_birth_data_are_never_cleared_and_nationality_only_corroborates()
    {
        var hit = Assert.Single(SanctionsScreener.Screen(Sample, ["Siobhan Ni Fhaolain"], new DateOnly(2001, 1, 1), "IRL", new ScreeningOptions()));

        Assert.Null(hit.BirthDateAgrees);
        Assert.False(hit.NationalityAgrees);
    }

    [Fact]
    public void PEP_entries_are_flagged_and_hits_come_best_first()
    {
        var pep = Assert.Single(Screen("Maximilian Quentin Oberholzer"));
        Assert.True(pep.IsPep);

        var list = new SanctionsList([Entry("A", "Anna Maria Eriksson"), Entry("B", "Anna Maria Erikson")]);
        var hits = SanctionsScreener.Screen(list, ["Anna Maria Erikson"], null, null, new ScreeningOptions());
        Assert.Equal(["B", "A"], hits.Select(h => h.EntryId));
    }

    [Fact]
    public void An_empty_list_never_hits_and_a_bad_threshold_is_refused()
    {
        Assert.Empty(SanctionsScreener.Screen(SanctionsList.Empty, ["Viktor Zhelezniakov"], null, null, new ScreeningOptions()));
        Assert.Throws<ArgumentOutOfRangeException>(() => Screen("x", threshold: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Screen("x", threshold: 1.1));
    }

    private static IReadOnlyList<ScreeningHit> Screen(string name, double threshold = 0.90, DateOnly? birthDate = null) =>
        SanctionsScreener.Screen(Sample, [name], birthDate, null, new ScreeningOptions { Threshold = threshold });

    private static SanctionsListEntry Entry(string id, string name) => new(id, "TEST", name, [], null, null, null, false);
}
