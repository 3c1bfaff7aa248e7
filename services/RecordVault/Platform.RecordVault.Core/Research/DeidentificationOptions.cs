namespace Platform.RecordVault.Core.Research;

/// <summary>How one export is de-identified.</summary>
public sealed record DeidentificationOptions
{
    public DeidentificationLevel Level { get; init; } = DeidentificationLevel.SafeHarbor;

    public KAnonymityOptions KAnonymity { get; init; } = KAnonymityOptions.Default;

    /// <summary>The day ages are computed at (the export's date), for the over-89 rule.</summary>
    public required DateOnly ReferenceDate { get; init; }
}
