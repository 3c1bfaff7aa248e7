using Platform.Identity.Kyc;

namespace Platform.Identity.Kyc.Tests;

/// <summary>
/// Builds MRZs with correct check digits from fields, for documents beyond the published specimens. The check
/// digit algorithm it relies on is pinned separately against the specimens' printed digits.
/// </summary>
internal static class MrzBuilder
{
    public static string Td3(
        string issuingState = "UTO",
        string name = "ERIKSSON<<ANNA<MARIA",
        string documentNumber = "L898902C3",
        string nationality = "UTO",
        string birthDate = "740812",
        char sex = 'F',
        string expiryDate = "340415",
        string personalNumber = "",
        string documentCode = "P<")
    {
        var line1 = (documentCode + Pad(issuingState, 3) + name).PadRight(44, '<')[..44];
        var number = Pad(documentNumber, 9);
        var optional = Pad(personalNumber, 14);
        var optionalCheck = personalNumber.Length == 0 ? "<" : Digit(optional);
        var line2 = number + Digit(number) + Pad(nationality, 3) + birthDate + Digit(birthDate) + sex + expiryDate + Digit(expiryDate) + optional + optionalCheck;
        var composite = line2[..10] + line2[13..20] + line2[21..43];
        return line1 + "\n" + line2 + Digit(composite);
    }

    public static string Td1(
        string issuingState = "UTO",
        string name = "ERIKSSON<<ANNA<MARIA",
        string documentNumber = "D23145890",
        string nationality = "UTO",
        string birthDate = "740812",
        char sex = 'F',
        string expiryDate = "340415",
        string documentCode = "I<")
    {
        string line1;
        if (documentNumber.Length > 9)
        {
            var overflow = documentNumber[9..] + Digit(documentNumber) + "<";
            line1 = (documentCode + Pad(issuingState, 3) + documentNumber[..9] + "<" + overflow).PadRight(30, '<');
        }
        else
        {
            var number = Pad(documentNumber, 9);
            line1 = (documentCode + Pad(issuingState, 3) + number + Digit(number)).PadRight(30, '<');
        }

        var line2 = birthDate + Digit(birthDate) + sex + expiryDate + Digit(expiryDate) + Pad(nationality, 3) + new string('<', 11);
        var composite = line1[5..30] + line2[..7] + line2[8..15] + line2[18..29];
        line2 += Digit(composite);
        return line1 + "\n" + line2 + "\n" + name.PadRight(30, '<')[..30];
    }

    private static string Pad(string value, int length) => value.PadRight(length, '<');

    private static string Digit(string field) => MrzCheckDigit.Compute(field).ToString(System.Globalization.CultureInfo.InvariantCulture);
}
