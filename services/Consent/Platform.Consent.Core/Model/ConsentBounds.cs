namespace Platform.Consent.Core;

/// <summary>
/// The range a consent's period must lie in (grant and narrow; <c>period_out_of_range</c> otherwise). Dates outside
/// it are typos or sentinel values, not periods: 0001-01-01 as "always", 9999-12-31 as "forever", which is a consent
/// without an end in disguise and should say so by leaving <c>validUntil</c> out.
/// </summary>
public static class ConsentBounds
{
    /// <summary>No consent starts before this.</summary>
    public static readonly DateTimeOffset EarliestStart = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>How far from now a start or an end may lie.</summary>
    public const int MaxYearsAhead = 100;
}
