using Platform.Contracts.CodeLists;

namespace Platform.Consent.Core;

/// <summary>
/// A patient's opt-in to a study is an ordinary consent (so it is signed, committed to the ledger with a receipt,
/// decided by <see cref="DecisionEngine"/> and revoked like any other): the grantee is the study, under its own
/// pseudonymous id; the purpose is healthcare research (<c>HRESCH</c>) only; the categories are the study's; the
/// action is read only; it starts today or when the study starts and ends with the study's last day.
/// </summary>
public static class StudyOptIn
{
    /// <summary>The study's grantee id in consents and decisions: <c>study-</c> and its id as 32 hex digits.</summary>
    public static Grantee GranteeOf(Guid studyId) => Grantee.Organization("study-" + studyId.ToString("N"));

    /// <summary>The research consent for <paramref name="study"/>; refused once the study's period is over.</summary>
    public static ConsentResult<ConsentChange> Grant(Guid consentId, string subjectPseudonym, ResearchStudy study, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(study);
        var start = new DateTimeOffset(study.StartsOn.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var end = new DateTimeOffset(study.EndsOn.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        if (now >= end)
        {
            return ConsentResult<ConsentChange>.Failure(ResearchErrorCodes.StudyEnded, $"The study ended on {study.EndsOn:yyyy-MM-dd}; it takes no more participants.");
        }
        return PatientConsent.Grant(consentId, subjectPseudonym, GranteeOf(study.Id), study.Categories,
            [PurposesOfUse.HealthcareResearch], start > now ? start : now, end, now, [ProvisionActions.Access]);
    }

    /// <summary>Whether <paramref name="consent"/> is an opt-in to <paramref name="study"/> (not another consent of the patient's).</summary>
    public static bool IsFor(PatientConsent consent, ResearchStudy study)
    {
        ArgumentNullException.ThrowIfNull(consent);
        ArgumentNullException.ThrowIfNull(study);
        return consent.Grantee == GranteeOf(study.Id) && consent.Purposes.SequenceEqual([PurposesOfUse.HealthcareResearch]);
    }
}
