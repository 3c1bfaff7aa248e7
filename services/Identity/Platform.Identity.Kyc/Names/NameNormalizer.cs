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

    // Names are read by Unicode scalar value (Rune), not by UTF-16 unit: a character outside the Basic Multilingual
    // Plane (CJK extension B name characters, emoji) is two units, and normalising half of it throws. An ill-formed
    // sequence (a lone surrogate) enumerates as U+FFFD, which is no letter and so separates tokens.
    private static string[] Tokens(string name, IReadOnlyDictionary<char, string> table)
    {
        var text = new StringBuilder(name.Length + 8);
        foreach (var rune in name.ToUpperInvariant().EnumerateRunes())
        {
            if (rune.IsBmp && table.TryGetValue((char)rune.Value, out var latin))
            {
                text.Append(latin);
            }
            else if (rune.IsBmp && Apostrophes.Contains((char)rune.Value, StringComparison.Ordinal))
            {
                continue;
            }
            else
            {
                AppendDecomposed(text, rune);
            }
        }

        return text.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries);
    }

    private static void AppendDecomposed(StringBuilder text, Rune rune)
    {
        if (rune.Value is >= 'A' and <= 'Z')
        {
            text.Append((char)rune.Value);
            return;
        }

        foreach (var part in rune.ToString().Normalize(NormalizationForm.FormD).EnumerateRunes())
        {
            var category = Rune.GetUnicodeCategory(part);
            if (category is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark)
            {
                continue;
            }

            if (Rune.IsLetter(part))
            {
                text.Append(Rune.ToUpperInvariant(part).ToString());
            }
            else
            {
                text.Append(' ');
            }
        }
    }
}
