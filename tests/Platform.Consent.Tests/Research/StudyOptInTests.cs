using Platform.Consent.Core;
using Platform.Contracts.CodeLists;
using static Platform.Consent.Tests.Research.ResearchOrganisationTests;

namespace Platform.Consent.Tests.Research;

public sealed class StudyOptInTests
{
    private const string Patient = "patient-pseudonym-0042";

    private static ResearchStudy Study() => ResearchStudy.Declare(Guid.NewGuid(), Verified(), Representative, "Glucose control",
        "How HbA1c develops over five years.", "EK-2026-117", [RecordCategories.Observation, RecordCategories.Condition],
        DeidentificationLevelCodes.SafeHarbor, new DateOnly(2027, 1, 1), new DateOnly(2028, 12, 31), null, Now).Value!;

    private static Decision Decide(ResearchStudy study, PatientConsent consent, string category, string purpose, DateTimeOffset at, string? actor = null) =>
        DecisionEngine.Decide(new DecisionRequest(Patient, actor ?? StudyOptIn.GranteeOf(study.Id).Id, GranteeKind.Organization, category, purpose, at), [consent]);

    [Fact]
    public void An_opt_in_is_a_read_only_research_consent_for_the_study_its_categories_and_period()
    {
        var study = Study();

        var consent = StudyOptIn.Grant(Guid.NewGuid(), Patient, study, Now).Value!.Consent;

        Assert.Equal(StudyOptIn.GranteeOf(study.Id), consent.Grantee);
        Assert.Equal([PurposesOfUse.HealthcareResearch], consent.Purposes.ToList());
        Assert.Equal([ProvisionActions.Access], consent.Actions.ToList());
        Assert.Equal(study.Categories.Order(StringComparer.Ordinal).ToList(), consent.Categories.ToList());
        Assert.Equal(new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.Zero), consent.ValidFrom);
        Assert.Equal(new DateTimeOffset(2029, 1, 1, 0, 0, 0, TimeSpan.Zero), consent.ValidUntil);
        Assert.True(StudyOptIn.IsFor(consent, study));
        Assert.False(StudyOptIn.IsFor(consent, Study()));
        Assert.Matches("^study-[0-9a-f]{32}$", consent.Grantee.Id);
    }

    [Fact]
    public void The_study_reads_its_categories_for_research_during_its_period_and_nothing_else()
    {
        var study = Study();
        var consent = StudyOptIn.Grant(Guid.NewGuid(), Patient, study, Now).Value!.Consent;
        var during = new DateTimeOffset(2027, 6, 1, 0, 0, 0, TimeSpan.Zero);

        Assert.True(Decide(study, consent, RecordCategories.Observation, PurposesOfUse.HealthcareResearch, during).IsPermitted);
        Assert.False(Decide(study, consent, RecordCategories.Medication, PurposesOfUse.HealthcareResearch, during).IsPermitted);
        Assert.False(Decide(study, consent, RecordCategories.Observation, PurposesOfUse.Treatment, during).IsPermitted);
        Assert.False(Decide(study, consent, RecordCategories.Observation, PurposesOfUse.HealthcareResearch, new DateTimeOffset(2029, 1, 2, 0, 0, 0, TimeSpan.Zero)).IsPermitted);
        Assert.False(Decide(study, consent, RecordCategories.Observation, PurposesOfUse.HealthcareResearch, during, actor: StudyOptIn.GranteeOf(Guid.NewGuid()).Id).IsPermitted);
    }

    [Fact]
    public void A_revoked_opt_in_permits_no_further_reads()
    {
        var study = Study();
        var consent = StudyOptIn.Grant(Guid.NewGuid(), Patient, study, Now).Value!.Consent;
        var revokedAt = new DateTimeOffset(2027, 3, 1, 0, 0, 0, TimeSpan.Zero);

        var revoked = consent.Revoke(revokedAt).Value!.Consent;

        Assert.False(Decide(study, revoked, RecordCategories.Observation, PurposesOfUse.HealthcareResearch, revokedAt.AddDays(1)).IsPermitted);
    }

    [Fact]
    public void An_opt_in_during_the_study_starts_now_and_after_it_is_refused()
    {
        var study = Study();
        var during = new DateTimeOffset(2027, 6, 1, 9, 30, 0, TimeSpan.Zero);

        Assert.Equal(during, StudyOptIn.Grant(Guid.NewGuid(), Patient, study, during).Value!.Consent.ValidFrom);
        Assert.Equal(ResearchErrorCodes.StudyEnded, StudyOptIn.Grant(Guid.NewGuid(), Patient, study, new DateTimeOffset(2029, 1, 1, 0, 0, 0, TimeSpan.Zero)).Error?.Code);
    }
}
