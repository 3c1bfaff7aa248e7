namespace Platform.Consent.Core;

/// <summary>
/// How many decimal places a currency's minor unit has (the ISO 4217 list's "minor unit" column): 2 for most, 0 for
/// e.g. JPY and KRW, 3 for the dinars of Bahrain, Iraq, Jordan, Kuwait, Libya and Tunisia and for OMR, 4 for the
/// unidades de fomento. Amounts are kept in minor units; this turns them into the amount a person reads.
/// </summary>
public static class CurrencyMinorUnits
{
    private static readonly Dictionary<string, int> NotTwo = new(StringComparer.Ordinal)
    {
        ["BIF"] = 0, ["CLP"] = 0, ["DJF"] = 0, ["GNF"] = 0, ["ISK"] = 0, ["JPY"] = 0, ["KMF"] = 0, ["KRW"] = 0,
        ["PYG"] = 0, ["RWF"] = 0, ["UGX"] = 0, ["UYI"] = 0, ["VND"] = 0, ["VUV"] = 0, ["XAF"] = 0, ["XOF"] = 0, ["XPF"] = 0,
        ["BHD"] = 3, ["IQD"] = 3, ["JOD"] = 3, ["KWD"] = 3, ["LYD"] = 3, ["OMR"] = 3, ["TND"] = 3,
        ["CLF"] = 4, ["UYW"] = 4,
    };

    public static int Of(string currency) => NotTwo.TryGetValue(currency, out var digits) ? digits : 2;

    /// <summary>The amount in major units: 500 EUR minor units → 5.00; 500 JPY → 500.</summary>
    public static decimal ToMajor(long amountMinor, string currency)
    {
        var digits = Of(currency);
        var divisor = 1m;
        for (var i = 0; i < digits; i++)
        {
            divisor *= 10;
        }
        return amountMinor / divisor;
    }
}
