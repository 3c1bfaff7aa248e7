using Platform.Contracts.CodeLists;
using Platform.Contracts.Decisions;
using Platform.RecordVault.Access;

namespace Platform.RecordVault.Records;

/// <summary>
/// Decides one access: a patient may read, write and erase their own records; a clinician may read or write only
/// when the consent service permits that action (actor, patient, category, purpose, action, break-glass) and never
/// erases; everyone else is refused.
/// </summary>
/// <remarks>
/// Break-glass is read-only. A write that asks for it is refused here, before the consent service is asked, so it
/// neither spends the clinician's emergency budget nor raises a break-glass alert for something that never happens;
/// the consent service refuses it as well (<c>break_glass_read_only</c>), so no other caller can get around it.
/// </remarks>
public sealed class RecordAccessGate(ConsentDecisionClient consent)
{
    public const string ErasureIsThePatients = "erasure_patient_only";
    public const string BreakGlassReadOnly = "break_glass_read_only";
    public const string NotPatientOrClinician = "not_patient_or_clinician";
    public const string StudyReadsOnly = "study_reads_only";

    public async Task<AccessDecision> DecideAsync(RecordCaller caller, string patient, string category, RecordOperation operation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (caller.IsOwner(patient))
        {
            return new AccessDecision(Guid.NewGuid(), DecisionOutcomes.Permit, "own_record", "self");
        }
        if (caller.IsStudy)
        {
            // A study reads for research, under its participants' opt-ins, and never writes or erases.
            if (operation != RecordOperation.Read || caller.BreakGlass)
            {
                return new AccessDecision(Guid.NewGuid(), "deny", StudyReadsOnly, caller.Purpose);
            }
            var study = await consent.DecideAsync(patient, caller.SubjectId, category, caller.Purpose, "access", breakGlass: false, cancellationToken,
                actorKind: GranteeKinds.Organization);
            return new AccessDecision(study.DecisionId, study.Outcome, study.Reason, caller.Purpose);
        }
        if (!caller.IsClinician)
        {
            return new AccessDecision(Guid.NewGuid(), DecisionOutcomes.Deny, NotPatientOrClinician, caller.Purpose);
        }
        if (operation.ConsentAction() is not { } action)
        {
            return new AccessDecision(Guid.NewGuid(), DecisionOutcomes.Deny, ErasureIsThePatients, caller.Purpose);
        }
        if (caller.BreakGlass && operation != RecordOperation.Read)
        {
            return new AccessDecision(Guid.NewGuid(), DecisionOutcomes.Deny, BreakGlassReadOnly, caller.Purpose);
        }
        var decision = await consent.DecideAsync(patient, caller.SubjectId, category, caller.Purpose, action, caller.BreakGlass, cancellationToken, caller.AccessToken);
        return new AccessDecision(decision.DecisionId, decision.Outcome, decision.Reason, caller.Purpose, decision.IsUnavailable);
    }

    /// <summary>
    /// Which of a patient's categories the caller may read, one decision per category: what a list or a search may
    /// show. Not audited (no content leaves); each record actually read is decided and audited again by the store.
    /// When the consent service cannot decide, the list is not shown short of the undecided categories: it is a 503
    /// (<see cref="ConsentUnavailableException"/>).
    /// </summary>
    public async Task<IReadOnlySet<string>> ReadableCategoriesAsync(RecordCaller caller, string patient, IEnumerable<string> categories, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(categories);
        var permitted = new HashSet<string>(StringComparer.Ordinal);
        foreach (var category in categories.Distinct(StringComparer.Ordinal))
        {
            var decision = await DecideAsync(caller, patient, category, RecordOperation.Read, cancellationToken);
            if (decision.ConsentUnavailable)
            {
                throw new ConsentUnavailableException(decision.Reason);
            }
            if (decision.Permits)
            {
                permitted.Add(category);
            }
        }
        return permitted;
    }
}

/// <summary>
/// The gate's answer: one of <see cref="DecisionOutcomes"/>, the decision id and reason (for the audit and the 403
/// body); <see cref="ConsentUnavailable"/> when the deny is only because the consent service could not decide (503).
/// </summary>
public sealed record AccessDecision(Guid DecisionId, string Outcome, string Reason, string Purpose, bool ConsentUnavailable = false)
{
    public bool Permits => DecisionOutcomes.Permits(Outcome);
}
