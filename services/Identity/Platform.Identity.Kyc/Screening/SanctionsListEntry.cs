namespace Platform.Identity.Kyc;

/// <summary>
/// One person on a sanctions or PEP list (see the list file format in <see cref="SanctionsListFile"/>). Birth date
/// and nationality are optional corroborating data; a year-only birth date has <see cref="BirthDate"/> null.
/// </summary>
public sealed class SanctionsListEntry
{
    public SanctionsListEntry(string id, string source, string name, IReadOnlyList<string> aliases, int? birthYear, DateOnly? birthDate, string? nationality, bool isPep)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        ArgumentException.ThrowIfNullOrWhiteSpace(source);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(aliases);
        if (birthDate is { } date && birthYear != date.Year)
        {
            throw new ArgumentException("The birth year must be the birth date's year.", nameof(birthYear));
        }

        Id = id;
        Source = source;
        Name = name;
        Aliases = aliases;
        BirthYear = birthYear;
        BirthDate = birthDate;
        Nationality = nationality;
        IsPep = isPep;
        NameVariants = [.. new[] { name }.Concat(aliases).Select(NameNormalizer.Variants)];
    }

    /// <summary>The entry's id on its list, unique within the loaded file.</summary>
    public string Id { get; }

    /// <summary>Which list it comes from (e.g. <c>UN</c>, <c>EU</c>, <c>OFAC</c>, <c>national-pep</c>).</summary>
    public string Source { get; }

    public string Name { get; }

    public IReadOnlyList<string> Aliases { get; }

    public int? BirthYear { get; }

    public DateOnly? BirthDate { get; }

    /// <summary>Canonical alpha-3 code (<see cref="CountryCodes.ToCanonical"/>), or null.</summary>
    public string? Nationality { get; }

    /// <summary>A politically exposed person (enhanced due diligence), not a sanctioned one.</summary>
    public bool IsPep { get; }

    /// <summary>Normalized spellings of the name, then of each alias in order, computed once at load.</summary>
    internal IReadOnlyList<IReadOnlyList<IReadOnlyList<string>>> NameVariants { get; }

    /// <summary>False when the entry's birth data contradicts <paramref name="birthDate"/>, null when it has none.</summary>
    public bool? BirthDateAgrees(DateOnly birthDate) =>
        BirthDate is { } full ? full == birthDate : BirthYear is { } year ? year == birthDate.Year : null;
}
