using Platform.Identity.Kyc;

namespace Platform.Identity.Kyc.Tests;

public sealed class MrzDatesTests
{
    private static readonly DateOnly Today = new(2025, 6, 1);

    [Theory]
    [InlineData(74, 8, 12, 1974)]
    [InlineData(10, 1, 1, 2010)]
    [InlineData(25, 6, 1, 2025)]
    [InlineData(25, 6, 2, 1925)]
    [InlineData(99, 12, 31, 1999)]
    public void Birth_dates_take_the_latest_century_that_is_not_in_the_future(int yy, int month, int day, int year) =>
        Assert.Equal(new DateOnly(year, month, day), MrzDates.ResolveBirthDate(yy, month, day, Today));

    [Theory]
    [InlineData(12, 4, 15, 2012)]
    [InlineData(34, 4, 15, 2034)]
    [InlineData(74, 12, 31, 2074)]
    [InlineData(75, 1, 1, 1975)]
    [InlineData(99, 1, 1, 1999)]
    public void Expiry_dates_fall_in_the_window_from_fifty_years_back_to_forty_nine_ahead(int yy, int month, int day, int year) =>
        Assert.Equal(new DateOnly(year, month, day), MrzDates.ResolveExpiryDate(yy, month, day, Today));

    [Fact]
    public void The_29th_of_February_picks_a_leap_century_or_none()
    {
        Assert.Equal(new DateOnly(2000, 2, 29), MrzDates.ResolveBirthDate(0, 2, 29, Today));
        Assert.Equal(new DateOnly(2004, 2, 29), MrzDates.ResolveBirthDate(4, 2, 29, Today));
        Assert.Null(MrzDates.ResolveBirthDate(1, 2, 29, Today));
        Assert.Null(MrzDates.ResolveExpiryDate(1, 2, 29, Today));
    }

    [Theory]
    [InlineData("741312")]
    [InlineData("740000")]
    [InlineData("74081")]
    [InlineData("74O812")]
    public void Invalid_digit_strings_are_not_dates(string yymmdd)
    {
        var split = MrzDates.TrySplit(yymmdd, out var yy, out var month, out var day);
        Assert.True(!split || MrzDates.ResolveBirthDate(yy, month, day, Today) is null);
    }
}
