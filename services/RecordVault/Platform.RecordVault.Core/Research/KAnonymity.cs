namespace Platform.RecordVault.Core.Research;

/// <summary>
/// k-anonymity over the participants' quasi-identifiers by global generalisation plus suppression (the approach of
/// Samarati and Sweeney, as in ARX): walk a fixed ladder of generalisations, from none to everything suppressed, and
/// take the first step at which the participants in groups smaller than k are few enough to withhold
/// (<see cref="KAnonymityOptions.MaxSuppressedFraction"/>); withhold them. A study with fewer than k participants
/// therefore releases nobody. Deterministic: the same participants give the same result.
/// </summary>
public static class KAnonymity
{
    private sealed record Step(string Description, int YearBand, bool Gender, bool State, bool Country);

    // Ages are generalised before places: the year is the sharpest quasi-identifier, and many studies need the region.
    private static readonly Step[] Ladder =
    [
        new("birth year, gender, state, country", 1, true, true, true),
        new("5-year birth band, gender, state, country", 5, true, true, true),
        new("10-year birth band, gender, state, country", 10, true, true, true),
        new("10-year birth band, gender, country (state suppressed)", 10, true, false, true),
        new("20-year birth band, gender (state and country suppressed)", 20, true, false, false),
        new("gender only", 0, true, false, false),
        new("nothing (all quasi-identifiers suppressed)", 0, false, false, false),
    ];

    /// <summary>The generalisation steps in the order they are tried.</summary>
    public static IReadOnlyList<string> Steps { get; } = Ladder.Select(s => s.Description).ToArray();

    public static KAnonymityResult<TKey> Enforce<TKey>(IReadOnlyDictionary<TKey, QuasiIdentifiers> participants, KAnonymityOptions? options = null)
        where TKey : notnull
    {
        ArgumentNullException.ThrowIfNull(participants);
        options ??= KAnonymityOptions.Default;
        options.Validate();
        var budget = (int)Math.Floor(participants.Count * options.MaxSuppressedFraction);

        for (var index = 0; index < Ladder.Length; index++)
        {
            var step = Ladder[index];
            var generalised = participants.ToDictionary(p => p.Key, p => Generalise(p.Value, step));
            var outliers = generalised
                .GroupBy(p => p.Value)
                .Where(group => group.Count() < options.K)
                .SelectMany(group => group.Select(p => p.Key))
                .ToHashSet();
            if (outliers.Count <= budget || index == Ladder.Length - 1)
            {
                var released = generalised.Where(p => !outliers.Contains(p.Key)).ToDictionary(p => p.Key, p => p.Value);
                return new KAnonymityResult<TKey>(index, step.Description, released, outliers);
            }
        }
        throw new InvalidOperationException("unreachable: the last step always returns");
    }

    private static GeneralisedQuasiIdentifiers Generalise(QuasiIdentifiers q, Step step) => new(
        AgeGroup(q, step.YearBand),
        BirthYearExact: step.YearBand == 1 && q.BirthYear is not null && !q.Over89,
        step.Gender ? q.Gender : null,
        step.State ? q.State : null,
        step.Country ? q.Country : null);

    private static string? AgeGroup(QuasiIdentifiers q, int band)
    {
        if (band == 0)
        {
            return null;
        }
        if (q.Over89)
        {
            return "90+";
        }
        if (q.BirthYear is not { } year)
        {
            return null;
        }
        if (band == 1)
        {
            return year.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        var start = year - (((year % band) + band) % band);
        return FormattableString.Invariant($"{start}-{start + band - 1}");
    }
}
