namespace Platform.Identity.Kyc;

/// <summary>
/// Token-order-insensitive fuzzy name similarity in [0, 1]. Both names are normalized (<see cref="NameNormalizer"/>,
/// both transliteration spellings); the tokens of the name with fewer tokens are paired one-to-one with the other
/// name's tokens, best Jaro-Winkler pairs first, and the pair scores are averaged weighted by token length. Tokens
/// left unpaired cost <see cref="UnpairedTokenPenalty"/> each, so a missing middle name still matches closely; a
/// single token against a longer name is scaled by <see cref="SingleTokenFactor"/>, so a lone common given name
/// never matches a full name. The best score over the spelling variants counts.
/// </summary>
public static class NameMatcher
{
    /// <summary>Score deducted for each token of the longer name that has no partner.</summary>
    public const double UnpairedTokenPenalty = 0.05;

    /// <summary>Factor for a one-token name compared with a name of several tokens.</summary>
    public const double SingleTokenFactor = 0.6;

    public static double Similarity(string? a, string? b) =>
        Similarity(NameNormalizer.Variants(a), NameNormalizer.Variants(b));

    public static double Similarity(IReadOnlyList<IReadOnlyList<string>> a, IReadOnlyList<IReadOnlyList<string>> b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var best = 0.0;
        foreach (var left in a)
        {
            foreach (var right in b)
            {
                best = Math.Max(best, TokenSimilarity(left, right));
            }
        }

        return best;
    }

    private static double TokenSimilarity(IReadOnlyList<string> a, IReadOnlyList<string> b)
    {
        if (a.Count == 0 || b.Count == 0)
        {
            return 0;
        }

        var (shorter, longer) = a.Count <= b.Count ? (a, b) : (b, a);
        var pairs = new List<(double Score, int Short, int Long)>(shorter.Count * longer.Count);
        for (var i = 0; i < shorter.Count; i++)
        {
            for (var j = 0; j < longer.Count; j++)
            {
                pairs.Add((JaroWinkler.Similarity(shorter[i], longer[j]), i, j));
            }
        }

        // Greedy one-to-one assignment, best pairs first; ties keep token order so results are deterministic.
        pairs.Sort((x, y) => y.Score != x.Score ? y.Score.CompareTo(x.Score) : (x.Short, x.Long).CompareTo((y.Short, y.Long)));
        var shortUsed = new bool[shorter.Count];
        var longUsed = new bool[longer.Count];
        double weighted = 0;
        double weights = 0;
        foreach (var (score, i, j) in pairs)
        {
            if (shortUsed[i] || longUsed[j])
            {
                continue;
            }

            shortUsed[i] = longUsed[j] = true;
            weighted += score * shorter[i].Length;
            weights += shorter[i].Length;
        }

        var mean = weighted / weights;
        var unpaired = longer.Count - shorter.Count;
        if (unpaired == 0)
        {
            return mean;
        }

        return shorter.Count == 1 ? mean * SingleTokenFactor : mean * Math.Max(0, 1 - (UnpairedTokenPenalty * unpaired));
    }
}
