using Platform.Consent.Core;
using Platform.Contracts.CodeLists;
using static Platform.Consent.Tests.TestConsents;

namespace Platform.Consent.Tests;

public sealed class BreakGlassTests
{
    [Fact]
    public void Emergency_treatment_by_a_clinician_breaks_the_glass_without_consent()
    {
        var decision = Decide(Request(RecordCategories.MentalHealth, PurposesOfUse.EmergencyTreatment, breakGlass: true, clinician: true));

        Assert.Equal(DecisionOutcome.BreakGlass, decision.Outcome);
        Assert.True(decision.IsPermitted);
        Assert.Equal("break-glass", decision.OutcomeCode);
        Assert.Equal(DecisionReasons.BreakGlass, decision.Reason);
        Assert.Null(decision.ConsentId);
        Assert.Null(decision.ConsentVersion);
    }

    [Fact]
    public void Without_the_flag_an_emergency_request_needs_consent()
    {
        Assert.Equal(DecisionReasons.NoConsent, Decide(Request(purpose: PurposesOfUse.EmergencyTreatment, clinician: true)).Reason);
    }

    [Fact]
    public void Break_glass_overrides_a_revoked_consent()
    {
        var revoked = Ok(Grant(purposes: [PurposesOfUse.EmergencyTreatment]).Revoke(Now)).Consent;

        Assert.Equal(DecisionOutcome.BreakGlass, Decide(Request(purpose: PurposesOfUse.EmergencyTreatment, breakGlass: true), revoked).Outcome);
    }

    [Fact]
    public void A_consent_that_covers_the_emergency_permits_without_breaking_the_glass()
    {
        var consent = Grant(purposes: [PurposesOfUse.EmergencyTreatment]);

        var decision = Decide(Request(purpose: PurposesOfUse.EmergencyTreatment, breakGlass: true), consent);

        Assert.Equal((DecisionOutcome.Permit, consent.Id), (decision.Outcome, decision.ConsentId!.Value));
    }

    [Fact]
    public void A_non_clinician_cannot_break_the_glass()
    {
        var decision = Decide(Request(purpose: PurposesOfUse.EmergencyTreatment, breakGlass: true, clinician: false));

        Assert.Equal((DecisionOutcome.Deny, DecisionReasons.BreakGlassRequiresClinician), (decision.Outcome, decision.Reason));
    }

    [Fact]
    public void An_organisation_cannot_break_the_glass()
    {
        var decision = Decide(Request(purpose: PurposesOfUse.EmergencyTreatment, actor: Hospital, actorKind: GranteeKind.Organization, breakGlass: true, clinician: true));

        Assert.Equal(DecisionReasons.BreakGlassRequiresClinician, decision.Reason);
    }

    [Theory]
    [InlineData(PurposesOfUse.Treatment)]
    [InlineData(PurposesOfUse.HealthcareResearch)]
    public void Break_glass_for_another_purpose_is_denied_even_when_a_consent_would_permit(string purpose)
    {
        var consent = Grant(purposes: [purpose]);

        var decision = Decide(Request(purpose: purpose, breakGlass: true), consent);

        Assert.Equal((DecisionOutcome.Deny, DecisionReasons.BreakGlassRequiresEmergencyPurpose), (decision.Outcome, decision.Reason));
    }
}
