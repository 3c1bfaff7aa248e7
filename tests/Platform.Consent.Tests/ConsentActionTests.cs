using System.Text;
using Platform.Consent.Core;
using Platform.Contracts.CodeLists;
using static Platform.Consent.Tests.TestConsents;

namespace Platform.Consent.Tests;

/// <summary>
/// Reading and writing are separate permissions (FHIR consentaction <c>access</c> and <c>correct</c>): a consent is
/// read-only unless the patient names <c>correct</c>, a read consent never permits a write, and break-glass never writes.
/// </summary>
public sealed class ConsentActionTests
{
    private static readonly string[] ReadWrite = [ProvisionActions.Access, ProvisionActions.Correct];

    [Fact]
    public void A_grant_that_names_no_action_is_read_only()
    {
        Assert.Equal([ProvisionActions.Access], Grant().Actions);
    }

    [Fact]
    public void A_read_consent_permits_reading_and_denies_writing()
    {
        var consent = Grant();

        Assert.Equal(DecisionOutcome.Permit, Decide(Request(), consent).Outcome);
        var write = Decide(Request(action: ProvisionActions.Correct), consent);
        Assert.Equal((DecisionOutcome.Deny, DecisionReasons.ActionNotCovered), (write.Outcome, write.Reason));
        Assert.Equal((consent.Id, 1), (write.ConsentId, write.ConsentVersion));
    }

    [Fact]
    public void A_write_consent_permits_writing_and_reads_only_when_it_names_access_too()
    {
        var readWrite = Grant(actions: ReadWrite);
        var writeOnly = Grant(actions: [ProvisionActions.Correct]);

        Assert.Equal(DecisionOutcome.Permit, Decide(Request(action: ProvisionActions.Correct), readWrite).Outcome);
        Assert.Equal(DecisionOutcome.Permit, Decide(Request(), readWrite).Outcome);
        Assert.Equal(DecisionOutcome.Permit, Decide(Request(action: ProvisionActions.Correct), writeOnly).Outcome);
        Assert.Equal(DecisionReasons.ActionNotCovered, Decide(Request(), writeOnly).Reason);
    }

    [Fact]
    public void A_write_consent_for_another_category_or_purpose_does_not_permit_the_write()
    {
        var consent = Grant(categories: [RecordCategories.Observation], actions: ReadWrite);

        Assert.Equal(DecisionReasons.CategoryNotCovered, Decide(Request(category: RecordCategories.MentalHealth, action: ProvisionActions.Correct), consent).Reason);
        Assert.Equal(DecisionReasons.PurposeNotCovered, Decide(Request(purpose: PurposesOfUse.HealthcareResearch, action: ProvisionActions.Correct), consent).Reason);
    }

    [Fact]
    public void Break_glass_never_writes_even_with_a_write_consent()
    {
        var emergency = Grant(purposes: [PurposesOfUse.EmergencyTreatment], actions: ReadWrite);

        var withoutConsent = Decide(Request(purpose: PurposesOfUse.EmergencyTreatment, breakGlass: true, action: ProvisionActions.Correct));
        var withConsent = Decide(Request(purpose: PurposesOfUse.EmergencyTreatment, breakGlass: true, action: ProvisionActions.Correct), emergency);

        Assert.Equal((DecisionOutcome.Deny, DecisionReasons.BreakGlassReadOnly), (withoutConsent.Outcome, withoutConsent.Reason));
        Assert.Equal((DecisionOutcome.Deny, DecisionReasons.BreakGlassReadOnly), (withConsent.Outcome, withConsent.Reason));
        Assert.Equal(DecisionOutcome.BreakGlass, Decide(Request(purpose: PurposesOfUse.EmergencyTreatment, breakGlass: true)).Outcome);
    }

    [Theory]
    [InlineData("delete")]
    [InlineData("erase")]
    [InlineData("disclose")]
    [InlineData("Access")]
    [InlineData("")]
    public void An_unknown_action_is_denied_and_cannot_be_granted(string action)
    {
        var consent = Grant(actions: ReadWrite);

        Assert.Equal(DecisionReasons.UnknownAction, Decide(Request(action: action), consent).Reason);
        var refused = Refused(PatientConsent.Grant(ConsentId, Patient, Grantee.Practitioner(Doctor), [RecordCategories.Observation],
            [PurposesOfUse.Treatment], Start, End, Now, [ProvisionActions.Access, action]));
        Assert.Equal(ConsentErrorCodes.UnknownAction, refused.Code);
    }

    [Fact]
    public void A_grant_with_an_empty_list_of_actions_is_refused()
    {
        var refused = Refused(PatientConsent.Grant(ConsentId, Patient, Grantee.Practitioner(Doctor), [RecordCategories.Observation],
            [PurposesOfUse.Treatment], Start, End, Now, []));

        Assert.Equal(ConsentErrorCodes.NoActions, refused.Code);
    }

    [Fact]
    public void Narrowing_may_take_writing_away_but_never_add_it()
    {
        var readWrite = Grant(actions: ReadWrite);

        var readOnly = Ok(readWrite.Narrow(null, null, null, null, Now.AddMinutes(1), [ProvisionActions.Access])).Consent;
        var widening = Refused(Grant().Narrow(null, null, null, null, Now.AddMinutes(1), ReadWrite));

        Assert.Equal([ProvisionActions.Access], readOnly.Actions);
        Assert.Equal(DecisionReasons.ActionNotCovered, Decide(Request(action: ProvisionActions.Correct), readOnly).Reason);
        Assert.Equal(ConsentErrorCodes.WideningNotAllowed, widening.Code);
        Assert.Equal(ConsentErrorCodes.NoChange, Refused(readWrite.Narrow(null, null, null, null, Now.AddMinutes(1), ReadWrite)).Code);
    }

    [Fact]
    public void A_read_only_consent_keeps_the_v1_form_and_a_write_consent_commits_its_actions_in_v2()
    {
        var readOnly = Grant();
        var readWrite = Grant(actions: ReadWrite);

        var v1 = Encoding.UTF8.GetString(ConsentHash.CanonicalForm(readOnly));
        var v2 = Encoding.UTF8.GetString(ConsentHash.CanonicalForm(readWrite));

        Assert.StartsWith("{\"format\":\"platform.consent.v1\",", v1, StringComparison.Ordinal);
        Assert.DoesNotContain("actions", v1, StringComparison.Ordinal);
        Assert.StartsWith("{\"format\":\"platform.consent.v2\",", v2, StringComparison.Ordinal);
        Assert.Contains("\"purposes\":[\"TREAT\"],\"actions\":[\"access\",\"correct\"],\"validFrom\"", v2, StringComparison.Ordinal);
        Assert.Equal(v1, v2.Replace("platform.consent.v2", "platform.consent.v1", StringComparison.Ordinal)
            .Replace(",\"actions\":[\"access\",\"correct\"]", "", StringComparison.Ordinal));
        Assert.NotEqual(ConsentHash.Compute(readOnly), ConsentHash.Compute(readWrite));
    }

    [Fact]
    public void Replaying_a_narrow_that_drops_writing_is_consistent_and_a_forged_one_that_adds_it_is_not()
    {
        var granted = Ok(PatientConsent.Grant(ConsentId, Patient, Grantee.Practitioner(Doctor), [RecordCategories.Observation],
            [PurposesOfUse.Treatment], Start, End, Now, ReadWrite));
        var narrowed = Ok(granted.Consent.Narrow(null, null, null, null, Now.AddMinutes(1), [ProvisionActions.Access]));
        var forged = Ok(Grant().Narrow([RecordCategories.Observation], null, null, null, Now.AddMinutes(1)));
        var widened = ConsentChange.Of(ConsentAction.Narrow, PatientConsent.Restore(forged.Consent.Id, Patient, forged.Consent.Grantee,
            forged.Consent.Categories, forged.Consent.Purposes, forged.Consent.ValidFrom, forged.Consent.ValidUntil, forged.Consent.Status,
            forged.Consent.Version, forged.Consent.CreatedAt, forged.Consent.UpdatedAt, ReadWrite).Value!);

        var replayed = ConsentProjection.Rebuild([granted, narrowed]);
        var smuggled = ConsentProjection.Rebuild([ConsentChange.Of(ConsentAction.Grant, Grant()), widened]);

        Assert.True(replayed.IsConsistent, string.Join("; ", replayed.Problems));
        Assert.Equal([ProvisionActions.Access], replayed.Consents[ConsentId].Actions);
        Assert.Equal(ProjectionProblemKind.IllegalTransition, Assert.Single(smuggled.Problems).Kind);
        Assert.Equal([ProvisionActions.Access], smuggled.Consents[ConsentId].Actions);
    }
}
