using Platform.Identity.Kyc;

namespace Platform.Identity.Kyc.Tests;

public sealed class MrzCheckDigitTests
{
    // The digits Doc 9303 prints on its specimen documents: an external reference, not a re-computation.
    [Theory]
    [InlineData("L898902C3", 6)]
    [InlineData("740812", 2)]
    [InlineData("120415", 9)]
    [InlineData("ZE184226B<<<<<", 1)]
    [InlineData("L898902C36" + "7408122" + "1204159ZE184226B<<<<<1", 0)]
    [InlineData("D23145890", 7)]
    [InlineData("D231458907<<<<<<<<<<<<<<<" + "7408122" + "1204159" + "<<<<<<<<<<<", 6)]
    public void Matches_the_digits_printed_on_the_ICAO_specimens(string field, int expected)
    {
        Assert.Equal(expected, MrzCheckDigit.Compute(field));
        Assert.True(MrzCheckDigit.IsValid(field, (char)('0' + expected)));
    }

    [Fact]
    public void Fillers_weigh_nothing_and_letters_weigh_ten_to_thirty_five()
    {
        Assert.Equal(0, MrzCheckDigit.Compute("<<<<<<"));
        Assert.Equal(0, MrzCheckDigit.Compute("A"));   // 10 × 7 = 70
        Assert.Equal(5, MrzCheckDigit.Compute("Z"));   // 35 × 7 = 245
        Assert.Equal(7, MrzCheckDigit.Compute("1"));   // 1 × 7
        Assert.Equal(3, MrzCheckDigit.Compute("01"));  // 1 × 3
        Assert.Equal(1, MrzCheckDigit.Compute("001")); // 1 × 1
    }

    [Fact]
    public void A_letter_or_filler_is_never_a_valid_check_digit()
    {
        Assert.False(MrzCheckDigit.IsValid("<<<", '<'));
        Assert.False(MrzCheckDigit.IsValid("L898902C3", 'A'));
    }

    [Fact]
    public void Characters_outside_the_MRZ_set_are_refused()
    {
        Assert.Throws<ArgumentException>(() => MrzCheckDigit.Compute("ab"));
        Assert.False(MrzCheckDigit.IsMrzCharacter(' '));
        Assert.False(MrzCheckDigit.IsMrzCharacter('Ä'));
        Assert.True(MrzCheckDigit.IsMrzCharacter('<'));
    }
}
