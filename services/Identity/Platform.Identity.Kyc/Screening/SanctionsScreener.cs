namespace Platform.Identity.Kyc;

/// <summary>
/// Screens an applicant against a <see cref="SanctionsList"/>: every spelling of the applicant's names (typically
/// the form's and the MRZ's) against every entry name and alias, best score per entry, hits at or above the
/// threshold, best first. Birth date and nationality corroborate or (birth date only) clear a hit.
/// </summary>
public static class SanctionsScreener
{
    public static IReadOnlyList<ScreeningHit> Screen(
        SanctionsList list,
        IEnumerable<string> applicantNames,
        DateOnly? birthDate,
        string? nationality,
        ScreeningOptions options)
    {
        ArgumentNullException.ThrowIfNull(list);
        ArgumentNullException.ThrowIfNull(applicantNames);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Threshold is <= 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "The threshold must be in (0, 1].");
        }

        var names = applicantNames.Select(NameNormalizer.Variants).Where(v => v.Count > 0).ToList();
        var country = CountryCodes.ToCanonical(nationality);
        var hits = new List<ScreeningHit>();
        foreach (var entry in list.Entries)
        {
            var (score, matched) = BestScore(entry, names);
            if (score < options.Threshold)
            {
                continue;
            }

            bool? birthAgrees = birthDate is { } date ? entry.BirthDateAgrees(date) : null;
            if (birthAgrees == false && options.DiscardOnBirthDateMismatch)
            {
                continue;
            }

            bool? nationalityAgrees = entry.Nationality is null || country is null ? null : entry.Nationality == country;
            hits.Add(new ScreeningHit(entry.Id, entry.Source, entry.IsPep, score, matched, birthAgrees, nationalityAgrees));
        }

        return [.. hits.OrderByDescending(h => h.Score).ThenBy(h => h.EntryId, StringComparer.Ordinal)];
    }

    private static (double Score, string Matched) BestScore(SanctionsListEntry entry, List<IReadOnlyList<IReadOnlyList<string>>> names)
    {
        var best = (Score: 0.0, Matched: entry.Name);
        var spellings = new[] { entry.Name }.Concat(entry.Aliases).ToArray();
        for (var i = 0; i < entry.NameVariants.Count; i++)
        {
            foreach (var name in names)
            {
                var score = NameMatcher.Similarity(name, entry.NameVariants[i]);
                if (score > best.Score)
                {
                    best = (score, spellings[i]);
                }
            }
        }

        return best;
    }
}
