namespace Platform.Consent.Core;

/// <summary>The consents a replay produced, by id, and every problem met on the way.</summary>
public sealed record ProjectionResult(IReadOnlyDictionary<Guid, PatientConsent> Consents, IReadOnlyList<ProjectionProblem> Problems)
{
    public bool IsConsistent => Problems.Count == 0;
}
