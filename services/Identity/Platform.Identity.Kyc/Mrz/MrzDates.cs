namespace Platform.Identity.Kyc;

/// <summary>
/// Resolves the century of <c>YYMMDD</c> dates, which the MRZ does not print. A birth date is the latest candidate
/// that is not after today (nobody is born in the future; a 101-year-old reads as 1 year old, which the age check
/// then catches). An expiry date is the candidate inside the 100-year window centred on today (−50 … +49 years),
/// so long-expired documents stay in the past and current ones land in the near future.
/// </summary>
public static class MrzDates
{
    /// <summary>The birth date, or null when the digits do not form a date in any candidate century.</summary>
    public static DateOnly? ResolveBirthDate(int yy, int month, int day, DateOnly today)
    {
        var century = today.Year / 100 * 100;
        foreach (var year in new[] { century + yy, century + yy - 100 })
        {
            if (TryCreate(year, month, day, out var date) && date <= today)
            {
                return date;
            }
        }

        return null;
    }

    /// <summary>The expiry date, or null when the digits do not form a date inside the window.</summary>
    public static DateOnly? ResolveExpiryDate(int yy, int month, int day, DateOnly today)
    {
        var century = today.Year / 100 * 100;
        foreach (var year in new[] { century + yy - 100, century + yy, century + yy + 100 })
        {
            if (year >= today.Year - 50 && year <= today.Year + 49 && TryCreate(year, month, day, out var date))
            {
                return date;
            }
        }

        return null;
    }

    /// <summary>Splits six digits into year-of-century, month and day; false when any character is not a digit.</summary>
    public static bool TrySplit(ReadOnlySpan<char> yymmdd, out int yy, out int month, out int day)
    {
        yy = month = day = 0;
        if (yymmdd.Length != 6)
        {
            return false;
        }

        foreach (var c in yymmdd)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }
        }

        yy = ((yymmdd[0] - '0') * 10) + (yymmdd[1] - '0');
        month = ((yymmdd[2] - '0') * 10) + (yymmdd[3] - '0');
        day = ((yymmdd[4] - '0') * 10) + (yymmdd[5] - '0');
        return true;
    }

    private static bool TryCreate(int year, int month, int day, out DateOnly date)
    {
        date = default;
        if (year is < 1 or > 9999 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month))
        {
            return false;
        }

        date = new DateOnly(year, month, day);
        return true;
    }
}
