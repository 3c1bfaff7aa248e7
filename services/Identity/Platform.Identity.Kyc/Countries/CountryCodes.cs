using System.Collections.Frozen;

namespace Platform.Identity.Kyc;

/// <summary>
/// The state codes an MRZ may carry: every ISO 3166-1 alpha-3 code plus the ICAO 9303 Part 3 additions (Germany's
/// <c>D</c>, British nationality categories, organisations, stateless and refugee codes) and the specimen state
/// <c>UTO</c>. Comparisons go through <see cref="ToCanonical"/> so <c>D&lt;&lt;</c>, <c>D</c>, <c>DEU</c> and <c>DE</c>
/// are one country.
/// </summary>
public static class CountryCodes
{
    /// <summary>ICAO's fictitious issuing state of its specimen documents (Doc 9303 "Utopia").</summary>
    public const string Specimen = "UTO";

    // ICAO Doc 9303 Part 3 codes that are not ISO 3166-1 countries. RKS is what Kosovo prints; ISO has no code for it.
    private static readonly string[] IcaoOnly =
    [
        "D", "GBD", "GBN", "GBO", "GBP", "GBS", "EUE", "UNO", "UNA", "UNK", "RKS",
        "XBA", "XIM", "XCC", "XCE", "XCO", "XEC", "XPO", "XES", "XMP", "XOM", "XDC",
        "XXA", "XXB", "XXC", "XXX", Specimen,
    ];

    private static readonly FrozenDictionary<string, string> Alpha3ToAlpha2 = Iso3166.Pairs
        .Split(' ', StringSplitOptions.RemoveEmptyEntries)
        .Select(pair => pair.Split(':'))
        .ToFrozenDictionary(pair => pair[0], pair => pair[1], StringComparer.Ordinal);

    private static readonly FrozenDictionary<string, string> Alpha2ToAlpha3 = Alpha3ToAlpha2
        .ToFrozenDictionary(pair => pair.Value, pair => pair.Key, StringComparer.Ordinal);

    private static readonly FrozenSet<string> MrzCodes = Alpha3ToAlpha2.Keys.Concat(IcaoOnly).ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Whether an MRZ field (with or without trailing <c>&lt;</c> fillers) names a known state or organisation.</summary>
    public static bool IsKnownMrzCode(string field)
    {
        ArgumentNullException.ThrowIfNull(field);
        return MrzCodes.Contains(field.TrimEnd('<'));
    }

    /// <summary>
    /// The code used for comparisons and output: ISO alpha-3 where one exists (<c>D</c> → <c>DEU</c>, alpha-2 input
    /// <c>DE</c> → <c>DEU</c>), otherwise the ICAO code itself (<c>XXA</c>). Case-insensitive; null when unknown.
    /// </summary>
    public static string? ToCanonical(string? code)
    {
        if (string.IsNullOrWhiteSpace(code))
        {
            return null;
        }

        var trimmed = code.Trim().TrimEnd('<').ToUpperInvariant();
        if (trimmed == "D")
        {
            return "DEU";
        }

        if (trimmed.Length == 2)
        {
            return Alpha2ToAlpha3.GetValueOrDefault(trimmed);
        }

        return MrzCodes.Contains(trimmed) ? trimmed : null;
    }

    /// <summary>The ISO alpha-2 code of a country, or null for ICAO-only codes (organisations, stateless, specimen).</summary>
    public static string? ToAlpha2(string? code) =>
        ToCanonical(code) is { } canonical ? Alpha3ToAlpha2.GetValueOrDefault(canonical) : null;

    /// <summary>Whether the code is ICAO's specimen state, which no real document carries.</summary>
    public static bool IsSpecimen(string? code) => ToCanonical(code) == Specimen;
}
