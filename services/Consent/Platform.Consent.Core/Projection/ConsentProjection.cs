namespace Platform.Consent.Core;

/// <summary>
/// Rebuilds current consent state from the ordered sequence of committed changes (each with its full snapshot),
/// which is how the service proves the ledger is the source of truth: replay, then <see cref="Compare"/> with the
/// live store.
/// </summary>
/// <remarks>
/// Changes of one consent must arrive in version order; changes of different consents may interleave freely.
/// Each change is checked, not trusted: its snapshot must hash to the recorded hash, its version must follow the
/// last applied one, and the snapshot must be exactly what re-running the action on the previous version gives
/// (a grant is re-run from its own fields). A consent that fails stops there: its last good version is kept and
/// its later changes are reported as skipped, so a gap is never papered over.
/// </remarks>
public sealed class ConsentProjection
{
    private readonly Dictionary<Guid, PatientConsent> _consents = [];
    private readonly Dictionary<Guid, string> _hashes = [];
    private readonly HashSet<Guid> _halted = [];
    private readonly List<ProjectionProblem> _problems = [];
    private int _position;

    public IReadOnlyDictionary<Guid, PatientConsent> Consents => _consents;

    public IReadOnlyList<ProjectionProblem> Problems => _problems;

    public static ProjectionResult Rebuild(IEnumerable<ConsentChange> changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        var projection = new ConsentProjection();
        foreach (var change in changes)
        {
            projection.Apply(change);
        }
        return new ProjectionResult(new Dictionary<Guid, PatientConsent>(projection._consents), projection._problems.ToList());
    }

    /// <summary>Every consent whose hash differs between the live store and a rebuild, or that only one side has.</summary>
    public static IReadOnlyList<ProjectionDifference> Compare(IEnumerable<PatientConsent> live, IReadOnlyDictionary<Guid, PatientConsent> rebuilt)
    {
        ArgumentNullException.ThrowIfNull(live);
        ArgumentNullException.ThrowIfNull(rebuilt);
        var liveHashes = live.ToDictionary(c => c.Id, ConsentHash.Compute);
        var rebuiltHashes = rebuilt.Values.ToDictionary(c => c.Id, ConsentHash.Compute);
        return liveHashes.Keys.Union(rebuiltHashes.Keys)
            .Order()
            .Select(id => new ProjectionDifference(id, liveHashes.GetValueOrDefault(id), rebuiltHashes.GetValueOrDefault(id)))
            .Where(d => !string.Equals(d.LiveHash, d.RebuiltHash, StringComparison.Ordinal))
            .ToList();
    }

    /// <summary>Applies one change; returns the problem it raised (also added to <see cref="Problems"/>), or null.</summary>
    public ProjectionProblem? Apply(ConsentChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        var position = _position++;
        var problem = Check(change);
        if (problem is null)
        {
            _consents[change.ConsentId] = change.Consent;
            _hashes[change.ConsentId] = change.Hash;
            return null;
        }
        var recorded = new ProjectionProblem(problem.Value.Kind, position, change.ConsentId, change.Version, problem.Value.Message);
        _problems.Add(recorded);
        if (problem.Value.Kind is not (ProjectionProblemKind.Duplicate or ProjectionProblemKind.OutOfOrder))
        {
            _halted.Add(change.ConsentId);
        }
        return recorded;
    }

    private (ProjectionProblemKind Kind, string Message)? Check(ConsentChange change)
    {
        if (_halted.Contains(change.ConsentId))
        {
            return (ProjectionProblemKind.SkippedAfterProblem, "An earlier change of this consent could not be applied.");
        }
        if (!ConsentHash.Matches(change.Consent, change.Hash))
        {
            return (ProjectionProblemKind.HashMismatch, "The snapshot does not match its recorded hash.");
        }
        if (!_consents.TryGetValue(change.ConsentId, out var previous))
        {
            return change.Version != 1
                ? (ProjectionProblemKind.VersionGap, $"The first change seen is version {change.Version}; expected 1.")
                : CheckTransition(null, change);
        }
        if (change.Version <= previous.Version)
        {
            return change.Version == previous.Version && string.Equals(_hashes[change.ConsentId], change.Hash, StringComparison.Ordinal)
                ? (ProjectionProblemKind.Duplicate, $"Version {change.Version} was already applied.")
                : (ProjectionProblemKind.OutOfOrder, $"Version {change.Version} arrived after version {previous.Version}.");
        }
        if (change.Version > previous.Version + 1)
        {
            return (ProjectionProblemKind.VersionGap, $"Version {change.Version} follows version {previous.Version}; {change.Version - previous.Version - 1} missing.");
        }
        return CheckTransition(previous, change);
    }

    // The snapshot must be exactly what the action does, so a log entry cannot smuggle in a widening.
    private static (ProjectionProblemKind Kind, string Message)? CheckTransition(PatientConsent? previous, ConsentChange change)
    {
        var next = change.Consent;
        var now = next.UpdatedAt;
        var result = (change.Action, previous) switch
        {
            (ConsentAction.Grant, null) => PatientConsent.Grant(next.Id, next.SubjectPseudonym, next.Grantee, next.Categories, next.Purposes, next.ValidFrom, next.ValidUntil, next.CreatedAt, next.Actions),
            (ConsentAction.Narrow, { } p) => p.Narrow(next.Categories, next.Purposes, next.ValidFrom, next.ValidUntil, now, next.Actions),
            (ConsentAction.Revoke, { } p) => p.Revoke(now),
            (ConsentAction.Expire, { } p) => p.Expire(now),
            (ConsentAction.Suspend, { } p) => p.Suspend(now),
            _ => null,
        };
        if (result is null)
        {
            return (ProjectionProblemKind.IllegalTransition, $"A {change.Action.ToCode()} cannot be version {change.Version}.");
        }
        if (!result.IsSuccess)
        {
            return (ProjectionProblemKind.IllegalTransition, $"The {change.Action.ToCode()} is not allowed: {result.Error.Code}.");
        }
        return result.Value.Consent.Equals(next)
            ? null
            : (ProjectionProblemKind.IllegalTransition, $"The snapshot is not what the {change.Action.ToCode()} produces.");
    }
}
