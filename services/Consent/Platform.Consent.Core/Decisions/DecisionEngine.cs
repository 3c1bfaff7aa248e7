using Platform.Contracts.CodeLists;
using Platform.SignedEvents;

namespace Platform.Consent.Core;

/// <summary>
/// Decides one request against the patient's consents. A pure function: no clock, no I/O, no cache, so the same
/// inputs always give the same decision and a revoke is effective as soon as the caller passes the revoked version.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>Only consents of this subject granted to this actor (kind and id) count; others are ignored.</item>
/// <item>Permit when an active consent holds the category, the purpose and the action and
/// <c>ValidFrom &lt;= At &lt; ValidUntil</c> (the end is exclusive). Categories, purposes and actions match exactly:
/// nothing implies a sensitive category, and a read consent (<c>access</c>) never permits a write (<c>correct</c>).</item>
/// <item>Several permitting consents: any of them permits; the most recently updated is reported.</item>
/// <item>No permitting consent: deny with the reason of the consent that came closest (it held the category and
/// purpose and action but was revoked, suspended, expired or not yet valid; else it held category and purpose but not
/// the action; else it held the category but not the purpose; else category_not_covered), or no_consent when there is none.</item>
/// <item>Break-glass is considered only when no consent permits, and only for ETREAT by a clinician practitioner;
/// a break-glass flag with another purpose or by anyone else is denied outright, whatever the consents say.
/// Break-glass is read-only: with any action but <c>access</c> it is denied outright too.
/// The caller rate-limits break-glass and always audits it.</item>
/// </list>
/// </remarks>
public static class DecisionEngine
{
    public static Decision Decide(DecisionRequest request, IEnumerable<PatientConsent> consents)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(consents);
        if (RefuseMalformed(request) is { } malformed)
        {
            return Decision.Deny(malformed);
        }
        if (request.BreakGlass && RefuseBreakGlass(request) is { } refused)
        {
            return Decision.Deny(refused);
        }

        PatientConsent? permitting = null;
        PatientConsent? closest = null;
        var closestReason = DecisionReasons.NoConsent;
        foreach (var consent in consents)
        {
            if (!IsFor(consent, request))
            {
                continue;
            }
            var reason = Evaluate(consent, request);
            if (reason is null)
            {
                if (permitting is null || IsPreferred(consent, permitting))
                {
                    permitting = consent;
                }
            }
            else if (closest is null
                || Closeness(reason) > Closeness(closestReason)
                || (Closeness(reason) == Closeness(closestReason) && IsPreferred(consent, closest)))
            {
                closest = consent;
                closestReason = reason;
            }
        }

        if (permitting is not null)
        {
            return new Decision(DecisionOutcome.Permit, DecisionReasons.ConsentPermits, permitting.Id, permitting.Version);
        }
        if (request.BreakGlass)
        {
            return new Decision(DecisionOutcome.BreakGlass, DecisionReasons.BreakGlass);
        }
        return Decision.Deny(closestReason, closest);
    }

    private static string? RefuseMalformed(DecisionRequest request)
    {
        if (!Pseudonyms.IsValid(request.SubjectPseudonym) || !Pseudonyms.IsValid(request.ActorId) || !Enum.IsDefined(request.ActorKind))
        {
            return DecisionReasons.MalformedId;
        }
        if (!RecordCategories.IsKnown(request.Category))
        {
            return DecisionReasons.UnknownCategory;
        }
        if (!ProvisionActions.IsKnown(request.Action))
        {
            return DecisionReasons.UnknownAction;
        }
        return PurposesOfUse.IsKnown(request.Purpose) ? null : DecisionReasons.UnknownPurpose;
    }

    private static string? RefuseBreakGlass(DecisionRequest request)
    {
        // Emergency access is to read what is there, never to change it: a write needs a consent that grants it.
        if (request.Action != ProvisionActions.Access)
        {
            return DecisionReasons.BreakGlassReadOnly;
        }
        if (request.Purpose != PurposesOfUse.EmergencyTreatment)
        {
            return DecisionReasons.BreakGlassRequiresEmergencyPurpose;
        }
        return request.ActorIsClinician && request.ActorKind == GranteeKind.Practitioner
            ? null
            : DecisionReasons.BreakGlassRequiresClinician;
    }

    private static bool IsFor(PatientConsent consent, DecisionRequest request) =>
        string.Equals(consent.SubjectPseudonym, request.SubjectPseudonym, StringComparison.Ordinal)
        && consent.Grantee.Kind == request.ActorKind
        && string.Equals(consent.Grantee.Id, request.ActorId, StringComparison.Ordinal);

    // Scope first, then life cycle: a consent that never covered the category says more than the fact it was revoked.
    private static string? Evaluate(PatientConsent consent, DecisionRequest request)
    {
        if (!consent.Categories.Contains(request.Category))
        {
            return DecisionReasons.CategoryNotCovered;
        }
        if (!consent.Purposes.Contains(request.Purpose))
        {
            return DecisionReasons.PurposeNotCovered;
        }
        if (!consent.Actions.Contains(request.Action))
        {
            return DecisionReasons.ActionNotCovered;
        }
        switch (consent.Status)
        {
            case ConsentStatus.Revoked:
                return DecisionReasons.Revoked;
            case ConsentStatus.Suspended:
                return DecisionReasons.Suspended;
            case ConsentStatus.Expired:
                return DecisionReasons.Expired;
            case ConsentStatus.Active:
                break;
            default:
                return DecisionReasons.Revoked;
        }
        if (request.At < consent.ValidFrom)
        {
            return DecisionReasons.NotYetValid;
        }
        return consent.ValidUntil is { } end && request.At >= end ? DecisionReasons.Expired : null;
    }

    private static int Closeness(string reason) => reason switch
    {
        DecisionReasons.NoConsent => -1,
        DecisionReasons.CategoryNotCovered => 0,
        DecisionReasons.PurposeNotCovered => 1,
        DecisionReasons.ActionNotCovered => 2,
        _ => 3,
    };

    // Deterministic whatever order the store returns: the most recently updated consent, then the smaller id.
    private static bool IsPreferred(PatientConsent candidate, PatientConsent current) =>
        candidate.UpdatedAt != current.UpdatedAt
            ? candidate.UpdatedAt > current.UpdatedAt
            : candidate.Id.CompareTo(current.Id) < 0;
}
