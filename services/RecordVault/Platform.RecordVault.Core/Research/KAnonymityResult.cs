namespace Platform.RecordVault.Core.Research;

/// <summary>
/// The outcome of <see cref="KAnonymity.Enforce{TKey}"/>: the generalisation step chosen (0 = none; see
/// <see cref="KAnonymity.Steps"/>), each released participant's generalised quasi-identifiers, and the participants
/// withheld because they would still be in a group smaller than k. Every released group has at least k members.
/// </summary>
public sealed record KAnonymityResult<TKey>(
    int Step,
    string StepDescription,
    IReadOnlyDictionary<TKey, GeneralisedQuasiIdentifiers> Released,
    IReadOnlySet<TKey> Suppressed)
    where TKey : notnull;
