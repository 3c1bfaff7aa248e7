namespace Platform.Identity.Kyc;

/// <summary>
/// Risk points a failed check adds to the score (a passed check adds none). With the default
/// <see cref="RiskPolicy"/> (review from 30, reject from 100) the defaults mean: a broken or specimen MRZ, an
/// expired document or an under-age applicant reject on their own; a form mismatch, a sanctions or PEP hit or a
/// duplicate identity each send the case to a reviewer; a mismatch together with a sanctions hit or a duplicate
/// still reviews (70-90), and enough of them together reject.
/// </summary>
public sealed record RiskWeights
{
    public int MrzIntegrity { get; init; } = 100;

    public int DocumentExpired { get; init; } = 100;

    public int Underage { get; init; } = 100;

    public int FormMismatch { get; init; } = 40;

    public int SanctionsMatch { get; init; } = 50;

    public int PepMatch { get; init; } = 30;

    public int DuplicateIdentity { get; init; } = 40;
}
