using Platform.RecordVault.Access;

namespace Platform.RecordVault.Records;

/// <summary>
/// Decides one access: a patient to their own records is allowed; a clinician is allowed only when the consent
/// service permits (actor, patient, category, purpose, break-glass); everyone else is refused.
/// </summary>
public sealed class RecordAccessGate(ConsentDecisionClient consent)
{
    public async Task<AccessDecision> DecideAsync(RecordCaller caller, string patient, string category, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (caller.IsOwner(patient))
        {
            return new AccessDecision(Guid.NewGuid(), "permit", "own_record", "self");
        }
        if (!caller.IsClinician)
        {
            return new AccessDecision(Guid.NewGuid(), "deny", "not_patient_or_clinician", caller.Purpose);
        }
        var decision = await consent.DecideAsync(patient, caller.SubjectId, category, caller.Purpose, caller.BreakGlass, cancellationToken);
        return new AccessDecision(decision.DecisionId, decision.Outcome, decision.Reason, caller.Purpose);
    }
}

/// <summary>The gate's answer: permit, deny or break-glass, the decision id and reason (for the audit and the 403 body).</summary>
public sealed record AccessDecision(Guid DecisionId, string Outcome, string Reason, string Purpose)
{
    public bool Permits => Outcome is "permit" or "break-glass";
}
