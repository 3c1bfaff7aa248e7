using Platform.Identity.Kyc;

namespace Platform.Identity.Kyc.Tests;

public sealed class CountryCodesTests
{
    [Theory]
    [InlineData("D<<", "DEU")]
    [InlineData("D", "DEU")]
    [InlineData("DEU", "DEU")]
    [InlineData("de", "DEU")]
    [InlineData("SWE", "SWE")]
    [InlineData("se", "SWE")]
    [InlineData("XXA", "XXA")]
    [InlineData("GBD", "GBD")]
    [InlineData("UNO", "UNO")]
    [InlineData("UTO", "UTO")]
    [InlineData("EUE", "EUE")]
    public void Codes_canonicalize_to_alpha_3_or_the_ICAO_code(string code, string expected) =>
        Assert.Equal(expected, CountryCodes.ToCanonical(code));

    [Theory]
    [InlineData("ZZZ")]
    [InlineData("QQ")]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("GERMANY")]
    public void Unknown_codes_have_no_canonical_form(string? code) => Assert.Null(CountryCodes.ToCanonical(code));

    [Fact]
    public void Alpha_2_exists_for_countries_but_not_for_ICAO_only_codes()
    {
        Assert.Equal("DE", CountryCodes.ToAlpha2("D<<"));
        Assert.Equal("GB", CountryCodes.ToAlpha2("GBR"));
        Assert.Null(CountryCodes.ToAlpha2("XXA"));
        Assert.Null(CountryCodes.ToAlpha2("UTO"));
    }

    [Fact]
    public void Every_ISO_3166_country_and_the_ICAO_additions_are_MRZ_codes()
    {
        Assert.True(CountryCodes.IsKnownMrzCode("D<<"));
        Assert.True(CountryCodes.IsKnownMrzCode("NLD"));
        Assert.True(CountryCodes.IsKnownMrzCode("XXB"));
        Assert.True(CountryCodes.IsKnownMrzCode("RKS"));
        Assert.False(CountryCodes.IsKnownMrzCode("DE<"));
        Assert.True(CountryCodes.IsSpecimen("UTO"));
        Assert.False(CountryCodes.IsSpecimen("SWE"));
    }
}
