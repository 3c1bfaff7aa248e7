namespace Platform.Contracts.Decisions;

/// <summary>
/// The outcome codes of a consent decision, as the decision answer, the vault's access log, access events and pages
/// name them. One list, so no service compares its own spelling of "break-glass".
/// </summary>
public static class DecisionOutcomes
{
    /// <summary>A consent in force covers the access.</summary>
    public const string Permit = "permit";

    /// <summary>Nothing allows the access.</summary>
    public const string Deny = "deny";

    /// <summary>Emergency access without consent: allowed, rate-limited and always audited.</summary>
    public const string BreakGlass = "break-glass";

    public static bool IsKnown(string? outcome) => outcome is Permit or Deny or BreakGlass;

    /// <summary>Whether the outcome lets the access go ahead.</summary>
    public static bool Permits(string? outcome) => outcome is Permit or BreakGlass;
}
