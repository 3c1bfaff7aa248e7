namespace Platform.Identity.Kyc;

/// <summary>How strictly names are matched against the list.</summary>
public sealed record ScreeningOptions
{
    /// <summary>
    /// Minimum <see cref="NameMatcher"/> similarity for a hit, in (0, 1]. 0.90 catches reordered, accented and
    /// one-letter variants of a full name while leaving names that share only a given name apart; lower it to catch
    /// more spelling variants at the price of more manual reviews.
    /// </summary>
    public double Threshold { get; init; } = 0.90;

    /// <summary>
    /// Discard a name hit when the entry's birth date (or year) contradicts the applicant's: the usual secondary
    /// identifier that clears namesakes. Entries without birth data are never discarded.
    /// </summary>
    public bool DiscardOnBirthDateMismatch { get; init; } = true;
}
