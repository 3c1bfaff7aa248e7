namespace Platform.Consent.Core;

public enum ProjectionProblemKind
{
    /// <summary>The snapshot does not hash to the hash recorded (and signed) with it: tampered or corrupted.</summary>
    HashMismatch = 1,

    /// <summary>One or more versions are missing before this one (including a consent whose first change is not version 1).</summary>
    VersionGap = 2,

    /// <summary>A version at or below the one already applied, with different content.</summary>
    OutOfOrder = 3,

    /// <summary>The very version already applied, again (same hash). Harmless to the state, but the log should not hold it.</summary>
    Duplicate = 4,

    /// <summary>The snapshot is not what the action does to the previous version (e.g. a "narrow" that widens).</summary>
    IllegalTransition = 5,

    /// <summary>Not applied because an earlier change of the same consent already failed.</summary>
    SkippedAfterProblem = 6,
}
