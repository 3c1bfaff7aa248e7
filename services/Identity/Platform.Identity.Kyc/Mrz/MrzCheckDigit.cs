namespace Platform.Identity.Kyc;

/// <summary>
/// The ICAO 9303 Part 3 check digit: characters weigh 0-9 (digits), 10-35 (A-Z) or 0 (the filler <c>&lt;</c>),
/// are multiplied by the repeating weights 7, 3, 1, and the sum modulo 10 is the digit.
/// </summary>
public static class MrzCheckDigit
{
    private static readonly int[] Weights = [7, 3, 1];

    /// <summary>The check digit of <paramref name="field"/>; throws for characters outside <c>A-Z 0-9 &lt;</c>.</summary>
    public static int Compute(ReadOnlySpan<char> field)
    {
        var sum = 0;
        for (var i = 0; i < field.Length; i++)
        {
            sum += ValueOf(field[i]) * Weights[i % 3];
        }

        return sum % 10;
    }

    /// <summary>Whether <paramref name="checkDigit"/> is the digit computed over <paramref name="field"/>.</summary>
    public static bool IsValid(ReadOnlySpan<char> field, char checkDigit) =>
        checkDigit is >= '0' and <= '9' && Compute(field) == checkDigit - '0';

    /// <summary>Whether a character belongs to the MRZ character set.</summary>
    public static bool IsMrzCharacter(char c) => c is (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '<';

    private static int ValueOf(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'A' and <= 'Z' => c - 'A' + 10,
        '<' => 0,
        _ => throw new ArgumentException($"'{c}' (U+{(int)c:X4}) is not an MRZ character.", nameof(c)),
    };
}
