using System.Globalization;
using Platform.Consent.Core;

namespace Platform.Consent.Pages.My;

/// <summary>
/// An amount held in minor units as a patient reads it: the currency's own number of decimals (ISO 4217), the digit
/// grouping and decimal mark of the page's language (5.00 / 1,234.50 in English, 5,00 / 1 234,50 in French). The pages
/// keep the formatting culture fixed (<c>PageLocalization</c>), so this follows the UI culture on purpose.
/// </summary>
public static class MoneyText
{
    public static string Amount(long amountMinor, string currency)
    {
        var digits = CurrencyMinorUnits.Of(currency);
        return CurrencyMinorUnits.ToMajor(amountMinor, currency).ToString("N" + digits.ToString(CultureInfo.InvariantCulture), CultureInfo.CurrentUICulture);
    }
}
