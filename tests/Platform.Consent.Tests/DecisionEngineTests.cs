using Platform.Consent.Core;
using Platform.Contracts.CodeLists;
using static Platform.Consent.Tests.TestConsents;

namespace Platform.Consent.Tests;

public sealed class DecisionEngineTests
{
    [Fact]
    public void A_grant_permits_and_names_the_consent_version()
    {
        var consent = Grant();

        var decision = Decide(Request(), consent);

        Assert.Equal(DecisionOutcome.Permit, decision.Outcome);
        Assert.True(decision.IsPermitted);
        Assert.Equal("permit", decision.OutcomeCode);
        Assert.Equal(DecisionReasons.ConsentPermits, decision.Reason);
        Assert.Equal((consent.Id, 1), (decision.ConsentId, decision.ConsentVersion));
    }

    [Fact]
    public void The_end_of_the_window_is_exclusive_and_the_start_inclusive()
    {
        var consent = Grant();
        var end = consent.ValidUntil!.Value;

        Assert.Equal(DecisionOutcome.Permit, Decide(Request(at: end.AddTicks(-1)), consent).Outcome);
        var atEnd = Decide(Request(at: end), consent);
        Assert.Equal((DecisionOutcome.Deny, DecisionReasons.Expired), (atEnd.Outcome, atEnd.Reason));
        Assert.Equal(DecisionOutcome.Permit, Decide(Request(at: consent.ValidFrom), consent).Outcome);
        Assert.Equal(DecisionReasons.NotYetValid, Decide(Request(at: consent.ValidFrom.AddTicks(-1)), consent).Reason);
    }

    [Fact]
    public void A_recorded_expiry_denies_as_expired()
    {
        var expired = Ok(Grant().Expire(End)).Consent;

        Assert.Equal(DecisionReasons.Expired, Decide(Request(at: Now.AddMinutes(5)), expired).Reason);
    }

    [Fact]
    public void A_purpose_that_was_not_granted_is_denied()
    {
        var consent = Grant(purposes: [PurposesOfUse.Treatment]);

        var research = Decide(Request(purpose: PurposesOfUse.HealthcareResearch), consent);
        var emergency = Decide(Request(purpose: PurposesOfUse.EmergencyTreatment), consent);

        Assert.Equal((DecisionOutcome.Deny, DecisionReasons.PurposeNotCovered), (research.Outcome, research.Reason));
        Assert.Equal(DecisionReasons.PurposeNotCovered, emergency.Reason);
    }

    [Fact]
    public void Sensitive_categories_are_never_implied_by_ordinary_ones()
    {
        var everythingOrdinary = Grant(categories: RecordCategories.All.Where(c => !c.IsSensitive).Select(c => c.Code).ToArray());

        foreach (var sensitive in RecordCategories.All.Where(c => c.IsSensitive))
        {
            var decision = Decide(Request(sensitive.Code), everythingOrdinary);
            Assert.True(decision.Reason == DecisionReasons.CategoryNotCovered, $"{sensitive.Code}: {decision}");
        }
    }

    [Fact]
    public void A_sensitive_category_needs_its_own_explicit_grant()
    {
        var mentalHealth = Grant(categories: [RecordCategories.MentalHealth]);

        Assert.Equal(DecisionOutcome.Permit, Decide(Request(RecordCategories.MentalHealth), mentalHealth).Outcome);
        Assert.Equal(DecisionReasons.CategoryNotCovered, Decide(Request(RecordCategories.Genetic), mentalHealth).Reason);
        Assert.Equal(DecisionReasons.CategoryNotCovered, Decide(Request(RecordCategories.Observation), mentalHealth).Reason);
    }

    [Fact]
    public void Consents_of_other_patients_and_other_grantees_do_not_count()
    {
        var otherDoctor = Grant(grantee: Grantee.Practitioner(OtherDoctor), id: Guid.NewGuid());
        var otherPatient = Grant(subject: OtherPatient, id: Guid.NewGuid());
        var sameIdAsOrganization = Grant(grantee: Grantee.Organization(Doctor), id: Guid.NewGuid());

        var decision = Decide(Request(), otherDoctor, otherPatient, sameIdAsOrganization);

        Assert.Equal(new Decision(DecisionOutcome.Deny, DecisionReasons.NoConsent), decision);
        Assert.Equal(DecisionReasons.NoConsent, Decide(Request()).Reason);
    }

    [Fact]
    public void An_organisation_grant_permits_the_organisation()
    {
        var consent = Grant(grantee: Grantee.Organization(Hospital));

        Assert.Equal(DecisionOutcome.Permit, Decide(Request(actor: Hospital, actorKind: GranteeKind.Organization, clinician: false), consent).Outcome);
    }

    [Fact]
    public void Any_permitting_consent_permits_and_is_the_one_reported()
    {
        var revoked = Ok(Grant(id: Guid.NewGuid()).Revoke(Now)).Consent;
        var active = Grant(id: Guid.NewGuid(), categories: [RecordCategories.Observation]);
        var otherCategory = Grant(id: Guid.NewGuid(), categories: [RecordCategories.Condition]);

        foreach (var order in new[] { new[] { revoked, active, otherCategory }, [otherCategory, active, revoked], [active, revoked, otherCategory] })
        {
            var decision = Decide(Request(), order);
            Assert.Equal((DecisionOutcome.Permit, active.Id, 1), (decision.Outcome, decision.ConsentId!.Value, decision.ConsentVersion!.Value));
        }
    }

    [Fact]
    public void When_several_permit_the_most_recently_updated_is_reported_whatever_the_order()
    {
        var older = Grant(id: Guid.NewGuid());
        var newer = Ok(Grant(id: Guid.NewGuid(), categories: [RecordCategories.Observation, RecordCategories.Allergy])
            .Narrow([RecordCategories.Observation], null, null, null, Now.AddMinutes(1))).Consent;

        Assert.Equal(newer.Id, Decide(Request(at: Now.AddMinutes(2)), older, newer).ConsentId);
        Assert.Equal(newer.Id, Decide(Request(at: Now.AddMinutes(2)), newer, older).ConsentId);
    }

    [Fact]
    public void The_deny_reason_comes_from_the_consent_that_came_closest()
    {
        var otherCategory = Grant(id: Guid.NewGuid(), categories: [RecordCategories.Condition]);
        var otherPurpose = Grant(id: Guid.NewGuid(), purposes: [PurposesOfUse.HealthcareResearch]);
        var revoked = Ok(Grant(id: Guid.NewGuid()).Revoke(Now)).Consent;

        Assert.Equal(DecisionReasons.CategoryNotCovered, Decide(Request(), otherCategory).Reason);
        Assert.Equal(DecisionReasons.PurposeNotCovered, Decide(Request(), otherCategory, otherPurpose).Reason);
        var decision = Decide(Request(), otherPurpose, revoked, otherCategory);
        Assert.Equal((DecisionReasons.Revoked, revoked.Id, 2), (decision.Reason, decision.ConsentId!.Value, decision.ConsentVersion!.Value));
    }

    [Theory]
    [InlineData("Observation", "TREAT", DecisionReasons.UnknownCategory)]
    [InlineData("observation", "treat", DecisionReasons.UnknownPurpose)]
    public void Unknown_codes_in_a_request_are_denied(string category, string purpose, string reason)
    {
        Assert.Equal(reason, Decide(Request(category, purpose), Grant()).Reason);
    }

    [Theory]
    [InlineData("bad id", Doctor)]
    [InlineData(Patient, "doc")]
    [InlineData("", Doctor)]
    public void Malformed_ids_in_a_request_are_denied(string subject, string actor)
    {
        var decision = Decide(Request(subject: subject, actor: actor), Grant());

        Assert.Equal((DecisionOutcome.Deny, DecisionReasons.MalformedId), (decision.Outcome, decision.Reason));
    }
}
