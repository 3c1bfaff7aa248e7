using Platform.Consent.Core;
using Platform.Contracts.CodeLists;
using static Platform.Consent.Tests.TestConsents;

namespace Platform.Consent.Tests;

public sealed class NarrowTests
{
    private readonly PatientConsent _granted = Grant(
        categories: [RecordCategories.Observation, RecordCategories.Medication, RecordCategories.Allergy],
        purposes: [PurposesOfUse.Treatment, PurposesOfUse.HealthcareResearch]);

    [Fact]
    public void Narrowing_removes_a_category_and_the_removed_category_is_then_denied()
    {
        var change = Ok(_granted.Narrow([RecordCategories.Observation, RecordCategories.Allergy], null, null, null, Now.AddMinutes(1)));

        var narrowed = change.Consent;
        Assert.Equal(ConsentAction.Narrow, change.Action);
        Assert.Equal(2, narrowed.Version);
        Assert.Equal(Now.AddMinutes(1), narrowed.UpdatedAt);
        Assert.Equal(_granted.CreatedAt, narrowed.CreatedAt);
        Assert.Equal(_granted.Purposes, narrowed.Purposes);

        var denied = Decide(Request(RecordCategories.Medication), narrowed);
        Assert.Equal(DecisionOutcome.Deny, denied.Outcome);
        Assert.Equal(DecisionReasons.CategoryNotCovered, denied.Reason);
        Assert.Equal((narrowed.Id, 2), (denied.ConsentId, denied.ConsentVersion));
        Assert.Equal(DecisionOutcome.Permit, Decide(Request(RecordCategories.Allergy), narrowed).Outcome);
    }

    [Fact]
    public void Narrowing_purposes_and_shortening_the_window_is_allowed()
    {
        var narrowed = Ok(_granted.Narrow(null, [PurposesOfUse.Treatment], Start.AddMinutes(10), End.AddMinutes(-10), Now)).Consent;

        Assert.Equal([PurposesOfUse.Treatment], narrowed.Purposes);
        Assert.Equal(Start.AddMinutes(10), narrowed.ValidFrom);
        Assert.Equal(End.AddMinutes(-10), narrowed.ValidUntil);
        Assert.Equal(DecisionReasons.PurposeNotCovered, Decide(Request(purpose: PurposesOfUse.HealthcareResearch, at: Now.AddMinutes(20)), narrowed).Reason);
        Assert.Equal(DecisionReasons.NotYetValid, Decide(Request(at: Now.AddMinutes(5)), narrowed).Reason);
    }

    [Fact]
    public void An_open_ended_consent_can_be_given_an_end()
    {
        var narrowed = Ok(Grant(openEnded: true).Narrow(null, null, null, End, Now)).Consent;

        Assert.Equal(End, narrowed.ValidUntil);
    }

    public static TheoryData<string, string[]?, string[]?, int?, int?> Widenings => new()
    {
        { "new category", [RecordCategories.Observation, RecordCategories.Condition], null, null, null },
        { "new sensitive category", [RecordCategories.Observation, RecordCategories.MentalHealth], null, null, null },
        { "new purpose", null, [PurposesOfUse.Treatment, PurposesOfUse.EmergencyTreatment], null, null },
        { "earlier start", null, null, -1, null },
        { "later end", null, null, null, 1 },
        { "narrower categories but later end", [RecordCategories.Observation], null, null, 60 },
    };

    [Theory]
    [MemberData(nameof(Widenings))]
    public void A_narrowing_that_widens_is_rejected(string what, string[]? categories, string[]? purposes, int? startShiftMinutes, int? endShiftMinutes)
    {
        var error = Refused(_granted.Narrow(
            categories,
            purposes,
            startShiftMinutes is { } s ? Start.AddMinutes(s) : null,
            endShiftMinutes is { } e ? End.AddMinutes(e) : null,
            Now));

        Assert.True(error.Code == ConsentErrorCodes.WideningNotAllowed, $"{what}: {error.Code} {error.Message}");
    }

    [Fact]
    public void A_rejected_narrowing_leaves_the_consent_as_it_was()
    {
        var before = ConsentHash.Compute(_granted);

        Refused(_granted.Narrow([RecordCategories.Condition], null, null, null, Now));

        Assert.Equal(before, ConsentHash.Compute(_granted));
        Assert.Equal(DecisionReasons.CategoryNotCovered, Decide(Request(RecordCategories.Condition), _granted).Reason);
    }

    [Fact]
    public void A_narrowing_that_changes_nothing_is_rejected()
    {
        Assert.Equal(ConsentErrorCodes.NoChange, Refused(_granted.Narrow(_granted.Categories, _granted.Purposes, Start, End, Now)).Code);
    }

    [Fact]
    public void Narrowing_can_neither_empty_the_lists_nor_end_before_the_start_or_in_the_past()
    {
        Assert.Equal(ConsentErrorCodes.NoCategories, Refused(_granted.Narrow([], null, null, null, Now)).Code);
        Assert.Equal(ConsentErrorCodes.NoPurposes, Refused(_granted.Narrow(null, [], null, null, Now)).Code);
        Assert.Equal(ConsentErrorCodes.EndBeforeStart, Refused(_granted.Narrow(null, null, End.AddMinutes(-5), End.AddMinutes(-10), Now)).Code);
        Assert.Equal(ConsentErrorCodes.EndInPast, Refused(_granted.Narrow(null, null, null, Now.AddMinutes(10), Now.AddMinutes(20))).Code);
        Assert.Equal(ConsentErrorCodes.UnknownCategory, Refused(_granted.Narrow(["vitals"], null, null, null, Now)).Code);
    }

    [Fact]
    public void Only_an_active_consent_within_its_window_can_be_narrowed()
    {
        var revoked = Ok(_granted.Revoke(Now)).Consent;

        Assert.Equal(ConsentErrorCodes.NotActive, Refused(revoked.Narrow([RecordCategories.Observation], null, null, null, Now)).Code);
        Assert.Equal(ConsentErrorCodes.ConsentExpired, Refused(_granted.Narrow([RecordCategories.Observation], null, null, null, End)).Code);
    }
}
