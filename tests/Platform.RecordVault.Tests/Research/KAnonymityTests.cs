using Platform.RecordVault.Core.Research;

namespace Platform.RecordVault.Tests.Research;

public sealed class KAnonymityTests
{
    private static readonly string[] States = ["CA", "NY", "TX", "WA"];

    private static Dictionary<string, QuasiIdentifiers> People(params (int Count, int? Year, string Gender, string State)[] groups)
    {
        var people = new Dictionary<string, QuasiIdentifiers>();
        foreach (var (count, year, gender, state) in groups)
        {
            for (var i = 0; i < count; i++)
            {
                people[$"p{people.Count}"] = new QuasiIdentifiers(year, false, gender, state, "US");
            }
        }
        return people;
    }

    private static void AssertEveryReleasedGroupHasK(KAnonymityResult<string> result, int k) =>
        Assert.All(result.Released.GroupBy(p => p.Value), group => Assert.True(group.Count() >= k, $"{group.Key} has {group.Count()}"));

    [Fact]
    public void Groups_of_at_least_k_are_released_unchanged()
    {
        var result = KAnonymity.Enforce(People((5, 1961, "female", "CA"), (6, 1970, "male", "NY")));

        Assert.Equal(0, result.Step);
        Assert.Empty(result.Suppressed);
        Assert.Equal(new GeneralisedQuasiIdentifiers("1961", true, "female", "CA", "US"), result.Released["p0"]);
    }

    [Fact]
    public void A_lone_outlier_within_the_suppression_budget_is_withheld_and_the_rest_keep_their_detail()
    {
        // 20 people: a budget of 5 % is one person, so the lone Texan is withheld rather than everyone generalised.
        var result = KAnonymity.Enforce(People((10, 1961, "female", "CA"), (9, 1961, "male", "CA"), (1, 1961, "male", "TX")));

        Assert.Equal(0, result.Step);
        Assert.Equal(["p19"], result.Suppressed.Order());
        Assert.Equal(19, result.Released.Count);
        AssertEveryReleasedGroupHasK(result, 5);
    }

    [Fact]
    public void Birth_years_are_banded_when_too_many_would_be_withheld()
    {
        // Five women born 1960..1964: each year alone is a group of one, the 5-year band is a group of five.
        var people = People((1, 1960, "female", "CA"), (1, 1961, "female", "CA"), (1, 1962, "female", "CA"), (1, 1963, "female", "CA"), (1, 1964, "female", "CA"));

        var result = KAnonymity.Enforce(people);

        Assert.Equal(1, result.Step);
        Assert.Empty(result.Suppressed);
        Assert.All(result.Released.Values, q => Assert.Equal(new GeneralisedQuasiIdentifiers("1960-1964", false, "female", "CA", "US"), q));
    }

    [Fact]
    public void States_are_suppressed_when_bands_are_not_enough()
    {
        var people = People((3, 1961, "female", "CA"), (3, 1961, "female", "NY"), (3, 1975, "male", "CA"), (3, 1975, "male", "TX"));

        var result = KAnonymity.Enforce(people);

        Assert.Equal(3, result.Step);
        Assert.Empty(result.Suppressed);
        Assert.All(result.Released.Values, q => Assert.Null(q.State));
        Assert.All(result.Released.Values, q => Assert.Equal("US", q.Country));
        AssertEveryReleasedGroupHasK(result, 5);
    }

    [Fact]
    public void Fewer_participants_than_k_release_nobody()
    {
        var result = KAnonymity.Enforce(People((4, 1961, "female", "CA")));

        Assert.Empty(result.Released);
        Assert.Equal(4, result.Suppressed.Count);
    }

    [Fact]
    public void K_is_configurable()
    {
        var people = People((3, 1961, "female", "CA"), (3, 1970, "male", "NY"));

        Assert.Equal(0, KAnonymity.Enforce(people, new KAnonymityOptions { K = 3 }).Step);
        Assert.NotEqual(0, KAnonymity.Enforce(people, new KAnonymityOptions { K = 4 }).Step);
        Assert.Throws<ArgumentOutOfRangeException>(() => KAnonymity.Enforce(people, new KAnonymityOptions { K = 1 }));
    }

    [Fact]
    public void Over_89_stays_a_group_of_its_own_and_is_never_given_a_year()
    {
        var people = People((5, 1961, "female", "CA"));
        for (var i = 0; i < 5; i++)
        {
            people["old" + i] = new QuasiIdentifiers(null, true, "female", "CA", "US");
        }

        var result = KAnonymity.Enforce(people);

        Assert.Equal(0, result.Step);
        Assert.Equal(new GeneralisedQuasiIdentifiers("90+", false, "female", "CA", "US"), result.Released["old0"]);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Random_cohorts_always_end_k_anonymous(int seed)
    {
        var random = new Random(seed);
        var people = Enumerable.Range(0, 200).ToDictionary(i => "p" + i, _ => new QuasiIdentifiers(
            1930 + random.Next(60), random.Next(50) == 0, random.Next(2) == 0 ? "female" : "male", States[random.Next(States.Length)], "US"));

        var result = KAnonymity.Enforce(people, new KAnonymityOptions { K = 7 });

        AssertEveryReleasedGroupHasK(result, 7);
        Assert.True(result.Suppressed.Count <= 10, $"withheld {result.Suppressed.Count} of 200 (budget 5 %)");
        Assert.Equal(200, result.Released.Count + result.Suppressed.Count);
    }
}
