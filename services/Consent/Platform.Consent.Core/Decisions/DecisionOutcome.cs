namespace Platform.Consent.Core;

public enum DecisionOutcome
{
    Deny = 0,

    /// <summary>An active consent covers the request.</summary>
    Permit = 1,

    /// <summary>Emergency access without consent; the caller must rate-limit it and emit a high-priority audit event.</summary>
    BreakGlass = 2,
}
