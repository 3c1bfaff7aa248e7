using Platform.Identity.Kyc;

namespace Platform.Identity.Kyc.Tests;

public sealed class JaroWinklerTests
{
    // The textbook examples from Winkler's papers.
    [Theory]
    [InlineData("MARTHA", "MARHTA", 0.9611)]
    [InlineData("DWAYNE", "DUANE", 0.8400)]
    [InlineData("DIXON", "DICKSONX", 0.8133)]
    public void Reproduces_the_published_reference_values(string a, string b, double expected)
    {
        Assert.Equal(expected, JaroWinkler.Similarity(a, b), 4);
        Assert.Equal(expected, JaroWinkler.Similarity(b, a), 4);
    }

    [Fact]
    public void The_Jaro_part_of_MARTHA_is_0_944()
    {
        Assert.Equal(0.9444, JaroWinkler.Jaro("MARTHA", "MARHTA"), 4);
    }

    [Fact]
    public void Identical_disjoint_and_empty_strings_are_the_extremes()
    {
        Assert.Equal(1.0, JaroWinkler.Similarity("ERIKSSON", "ERIKSSON"));
        Assert.Equal(0.0, JaroWinkler.Similarity("ABC", "XYZ"));
        Assert.Equal(0.0, JaroWinkler.Similarity("ABC", string.Empty));
        Assert.Equal(1.0, JaroWinkler.Similarity(string.Empty, string.Empty));
    }
}
