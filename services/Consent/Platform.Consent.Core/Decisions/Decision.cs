using Platform.Contracts.Decisions;

namespace Platform.Consent.Core;

/// <summary>
/// The answer to a <see cref="DecisionRequest"/>: the outcome, a <see cref="DecisionReasons"/> code, and the consent
/// version that decided it (the permitting one, or the one that came closest to permitting), if any.
/// </summary>
public sealed record Decision(DecisionOutcome Outcome, string Reason, Guid? ConsentId = null, int? ConsentVersion = null)
{
    public bool IsPermitted => Outcome is DecisionOutcome.Permit or DecisionOutcome.BreakGlass;

    /// <summary>The outcome as access events name it: permit, deny or break-glass.</summary>
    public string OutcomeCode => Outcome switch
    {
        DecisionOutcome.Permit => DecisionOutcomes.Permit,
        DecisionOutcome.BreakGlass => DecisionOutcomes.BreakGlass,
        _ => DecisionOutcomes.Deny,
    };

    public static Decision Deny(string reason, PatientConsent? decidingConsent = null) =>
        new(DecisionOutcome.Deny, reason, decidingConsent?.Id, decidingConsent?.Version);
}
