using Platform.Consent.Core;
using Platform.Contracts.CodeLists;

namespace Platform.Consent.Tests;

/// <summary>Fixed pseudonyms, a fixed clock and short-hands for building consents and decision requests.</summary>
internal static class TestConsents
{
    public const string Patient = "patient-0001";
    public const string OtherPatient = "patient-0002";
    public const string Doctor = "doctor-0001";
    public const string OtherDoctor = "doctor-0002";
    public const string Hospital = "hospital-0001";

    public static readonly DateTimeOffset Now = new(2025, 3, 1, 9, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset Start = Now;
    public static readonly DateTimeOffset End = Now.AddHours(1);

    public static readonly Guid ConsentId = Guid.Parse("6f1c2b7e-0d3a-4b8e-9c51-2a7d4e8f0b13");

    public static ConsentChange Ok(ConsentResult<ConsentChange> result)
    {
        Assert.True(result.IsSuccess, result.ToString());
        return result.Value;
    }

    public static ConsentError Refused(ConsentResult<ConsentChange> result)
    {
        Assert.False(result.IsSuccess, result.ToString());
        return result.Error;
    }

    public static PatientConsent Grant(
        string[]? categories = null,
        string[]? purposes = null,
        DateTimeOffset? from = null,
        DateTimeOffset? until = null,
        bool openEnded = false,
        Grantee? grantee = null,
        string subject = Patient,
        Guid? id = null,
        DateTimeOffset? now = null,
        string[]? actions = null) =>
        Ok(PatientConsent.Grant(
            id ?? ConsentId,
            subject,
            grantee ?? Grantee.Practitioner(Doctor),
            categories ?? [RecordCategories.Observation, RecordCategories.Medication],
            purposes ?? [PurposesOfUse.Treatment],
            from ?? Start,
            openEnded ? null : until ?? End,
            now ?? Now,
            actions)).Consent;

    public static DecisionRequest Request(
        string category = RecordCategories.Observation,
        string purpose = PurposesOfUse.Treatment,
        DateTimeOffset? at = null,
        string actor = Doctor,
        GranteeKind actorKind = GranteeKind.Practitioner,
        string subject = Patient,
        bool breakGlass = false,
        bool clinician = true,
        string action = ProvisionActions.Access) =>
        new(subject, actor, actorKind, category, purpose, at ?? Now.AddMinutes(5), breakGlass, clinician, action);

    public static Decision Decide(DecisionRequest request, params PatientConsent[] consents) => DecisionEngine.Decide(request, consents);
}
