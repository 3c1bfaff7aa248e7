using System.Collections.Frozen;

namespace Platform.Identity.Kyc;

/// <summary>
/// ICAO 9303 Part 3 transliteration of letters that Unicode decomposition cannot reduce to A-Z. Doc 9303 allows
/// two spellings for some Latin letters (Ä → AE or A, Å → AA or A, Ö → OE or O, Ü → UE or U) and issuers use both,
/// so names are compared in both spellings: <see cref="Recommended"/> (the first) and <see cref="Plain"/> (the
/// letter without its mark). Cyrillic follows the Doc 9303 table and is the same in both.
/// </summary>
internal static class Transliteration
{
    private static readonly (char Letter, string Latin)[] Shared =
    [
        ('Æ', "AE"), ('Œ', "OE"), ('ß', "SS"), ('ẞ', "SS"), ('Þ', "TH"), ('Ð', "D"), ('Đ', "D"), ('Ł', "L"),
        ('Ħ', "H"), ('Ŋ', "N"), ('Ŧ', "T"), ('ı', "I"), ('Ĳ', "IJ"), ('Ŀ', "L"),
        ('А', "A"), ('Б', "B"), ('В', "V"), ('Г', "G"), ('Ґ', "G"), ('Д', "D"), ('Ђ', "D"), ('Ѓ', "G"),
        ('Е', "E"), ('Ё', "E"), ('Є', "IE"), ('Ж', "ZH"), ('З', "Z"), ('Ѕ', "DZ"), ('И', "I"), ('І', "I"),
        ('Ї', "I"), ('Й', "I"), ('Ј', "J"), ('К', "K"), ('Л', "L"), ('Љ', "LJ"), ('М', "M"), ('Н', "N"),
        ('Њ', "NJ"), ('О', "O"), ('П', "P"), ('Р', "R"), ('С', "S"), ('Т', "T"), ('Ћ', "C"), ('Ќ', "K"),
        ('У', "U"), ('Ў', "U"), ('Ф', "F"), ('Х', "KH"), ('Ц', "TS"), ('Ч', "CH"), ('Џ', "DZ"), ('Ш', "SH"),
        ('Щ', "SHCH"), ('Ъ', "IE"), ('Ы', "Y"), ('Ь', ""), ('Э', "E"), ('Ю', "IU"), ('Я', "IA"),
    ];

    /// <summary>Doc 9303's first choice: Ä → AE, Ö → OE, Ü → UE, Å → AA, Ø → OE.</summary>
    public static readonly FrozenDictionary<char, string> Recommended = Build(('Ä', "AE"), ('Ö', "OE"), ('Ü', "UE"), ('Å', "AA"), ('Ø', "OE"));

    /// <summary>The letter without its mark: Ä → A, Ö → O, Ü → U, Å → A, Ø → O.</summary>
    public static readonly FrozenDictionary<char, string> Plain = Build(('Ä', "A"), ('Ö', "O"), ('Ü', "U"), ('Å', "A"), ('Ø', "O"));

    private static FrozenDictionary<char, string> Build(params (char Letter, string Latin)[] variant) =>
        Shared.Concat(variant).ToFrozenDictionary(pair => pair.Letter, pair => pair.Latin);
}
