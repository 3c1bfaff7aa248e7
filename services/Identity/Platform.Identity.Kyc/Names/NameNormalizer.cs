using System.Globalization;
using System.Text;

namespace Platform.Identity.Kyc;

/// <summary>
/// Turns a name as typed, printed in an MRZ or listed on a sanctions list into comparable tokens: upper case,
/// ICAO transliteration (<see cref="Transliteration"/>), remaining diacritics removed by Unicode decomposition
/// (É → E), apostrophes dropped (Doc 9303: O'BRIEN → OBRIEN), and hyphens, fillers, punctuation and spaces as token
/// separators. Letters of other scripts are kept as they are, so such names still compare with themselves.
/// </summary>
public static class NameNormalizer
{
    private const string Apostrophes = "'’ʼ`´‘";

    /// <summary>
    /// The distinct token spellings of <paramref name="name"/>: the ICAO-recommended one first, then the plain one if
    /// it differs (<c>Müller</c> → <c>MUELLER</c>, <c>MULLER</c>). Empty when the name has no letters.
    /// </summary>
    public static IReadOnlyList<IReadOnlyList<string>> Variants(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return [];
        }

        var recommended = Tokens(name, Transliteration.Recommended);
        if (recommended.Length == 0)
        {
            return [];
        }

        var plain = Tokens(name, Transliteration.Plain);
        return recommended.SequenceEqual(plain, StringComparer.Ordinal) ? [recommended] : [recommended, plain];
    }

    /// <summary>The ICAO-recommended spelling as one string, tokens separated by single spaces.</summary>
    public static string Normalize(string? name) =>
        Variants(name) is [var first, ..] ? string.Join(' ', first) : string.Empty;

    private static string[] Tokens(string name, IReadOnlyDictionary<char, string> table)
    {
        var text = new StringBuilder(name.Length + 8);
        foreach (var c in name.ToUpperInvariant())
        {
            if (table.TryGetValue(c, out var latin))
            {
                text.Append(latin);
            }
            else if (Apostrophes.Contains(c, StringComparison.Ordinal))
            {
                continue;
            }
            else
            {
                AppendDecomposed(text, c);
            }
        }

        return text.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries);
    }

    private static void AppendDecomposed(StringBuilder text, char c)
    {
        if (c is >= 'A' and <= 'Z')
        {
            text.Append(c);
            return;
        }

        foreach (var part in c.ToString().Normalize(NormalizationForm.FormD))
        {
            var category = CharUnicodeInfo.GetUnicodeCategory(part);
            if (category is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark)
            {
                continue;
            }

            text.Append(char.IsLetter(part) ? char.ToUpperInvariant(part) : ' ');
        }
    }
}
