namespace Platform.RecordVault.Core.Research;

/// <summary>Settings of the k-anonymity check.</summary>
public sealed record KAnonymityOptions
{
    /// <summary>Smallest number of participants allowed to share one combination of quasi-identifiers.</summary>
    public int K { get; init; } = 5;

    /// <summary>
    /// Largest share of participants that may be withheld instead of generalising everyone further: the check takes
    /// the least generalisation that needs no more suppression than this.
    /// </summary>
    public double MaxSuppressedFraction { get; init; } = 0.05;

    public static KAnonymityOptions Default { get; } = new();

    public void Validate()
    {
        if (K < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(K), K, "k must be at least 2.");
        }
        if (MaxSuppressedFraction is < 0 or > 1 || double.IsNaN(MaxSuppressedFraction))
        {
            throw new ArgumentOutOfRangeException(nameof(MaxSuppressedFraction), MaxSuppressedFraction, "Use a fraction between 0 and 1.");
        }
    }
}
