using Platform.Consent.Core;
using Platform.Contracts.CodeLists;
using Platform.SignedEvents;
using static Platform.Consent.Tests.TestConsents;

namespace Platform.Consent.Tests;

public sealed class GrantTests
{
    [Fact]
    public void A_grant_is_version_one_active_and_hashed()
    {
        var change = Ok(PatientConsent.Grant(ConsentId, Patient, Grantee.Practitioner(Doctor),
            [RecordCategories.Observation, RecordCategories.Observation, RecordCategories.Allergy], [PurposesOfUse.Treatment], Start, End, Now));

        Assert.Equal(ConsentAction.Grant, change.Action);
        Assert.Equal("grant", change.LedgerAction);
        var consent = change.Consent;
        Assert.Equal(1, consent.Version);
        Assert.Equal(ConsentStatus.Active, consent.Status);
        Assert.Equal([RecordCategories.Allergy, RecordCategories.Observation], consent.Categories);
        Assert.Equal(Now, consent.CreatedAt);
        Assert.Equal(Now, consent.UpdatedAt);
        Assert.Equal(ConsentHash.Compute(consent), change.Hash);
    }

    [Fact]
    public void The_window_is_rounded_inwards_to_milliseconds_and_kept_in_utc()
    {
        var from = new DateTimeOffset(2025, 3, 1, 11, 0, 0, TimeSpan.FromHours(2)).AddTicks(1);
        var until = from.AddHours(1).AddTicks(9_998);

        var consent = Grant(from: from, until: until, now: from.AddTicks(-1));

        Assert.Equal(TimeSpan.Zero, consent.ValidFrom.Offset);
        Assert.Equal(new DateTimeOffset(2025, 3, 1, 9, 0, 0, 1, TimeSpan.Zero), consent.ValidFrom);
        Assert.Equal(new DateTimeOffset(2025, 3, 1, 10, 0, 0, 0, TimeSpan.Zero), consent.ValidUntil);
    }

    [Fact]
    public void An_open_ended_grant_has_no_end()
    {
        Assert.Null(Grant(openEnded: true).ValidUntil);
    }

    [Fact]
    public void End_before_start_is_rejected()
    {
        var error = Refused(PatientConsent.Grant(ConsentId, Patient, Grantee.Practitioner(Doctor),
            [RecordCategories.Observation], [PurposesOfUse.Treatment], End, Start, Now));

        Assert.Equal(ConsentErrorCodes.EndBeforeStart, error.Code);
    }

    [Fact]
    public void End_equal_to_start_is_rejected()
    {
        var error = Refused(PatientConsent.Grant(ConsentId, Patient, Grantee.Practitioner(Doctor),
            [RecordCategories.Observation], [PurposesOfUse.Treatment], Start, Start, Now));

        Assert.Equal(ConsentErrorCodes.EndBeforeStart, error.Code);
    }

    [Fact]
    public void An_end_that_has_passed_is_rejected()
    {
        var error = Refused(PatientConsent.Grant(ConsentId, Patient, Grantee.Practitioner(Doctor),
            [RecordCategories.Observation], [PurposesOfUse.Treatment], Start.AddDays(-2), Start.AddDays(-1), Now));

        Assert.Equal(ConsentErrorCodes.EndInPast, error.Code);
    }

    // Issue 17, finding 15: sentinel dates are not periods.
    [Theory]
    [InlineData("0001-01-01T00:00:00Z", null)]
    [InlineData("1999-12-31T23:59:59Z", null)]
    [InlineData(null, "9999-12-31T00:00:00Z")]
    [InlineData("9999-01-01T00:00:00Z", null)]
    public void A_period_outside_2000_to_a_century_ahead_is_rejected(string? from, string? until)
    {
        var start = from is null ? Now : DateTimeOffset.Parse(from, System.Globalization.CultureInfo.InvariantCulture);
        DateTimeOffset? end = until is null ? null : DateTimeOffset.Parse(until, System.Globalization.CultureInfo.InvariantCulture);

        var error = Refused(PatientConsent.Grant(ConsentId, Patient, Grantee.Practitioner(Doctor),
            [RecordCategories.Observation], [PurposesOfUse.Treatment], start, end, Now));

        Assert.Equal(ConsentErrorCodes.PeriodOutOfRange, error.Code);
    }

    [Fact]
    public void A_period_just_inside_the_bounds_is_granted()
    {
        var consent = Ok(PatientConsent.Grant(ConsentId, Patient, Grantee.Practitioner(Doctor),
            [RecordCategories.Observation], [PurposesOfUse.Treatment], ConsentBounds.EarliestStart, Now.AddYears(ConsentBounds.MaxYearsAhead), Now)).Consent;

        Assert.Equal(ConsentBounds.EarliestStart, consent.ValidFrom);
    }

    [Theory]
    [InlineData("Observation")]
    [InlineData("lab")]
    [InlineData("")]
    public void Unknown_categories_are_rejected(string category)
    {
        var error = Refused(PatientConsent.Grant(ConsentId, Patient, Grantee.Practitioner(Doctor),
            [RecordCategories.Observation, category], [PurposesOfUse.Treatment], Start, End, Now));

        Assert.Equal(ConsentErrorCodes.UnknownCategory, error.Code);
    }

    [Fact]
    public void A_very_long_unknown_code_is_not_echoed_in_full()
    {
        var error = Refused(PatientConsent.Grant(ConsentId, Patient, Grantee.Practitioner(Doctor),
            [new string('x', 10_000)], [PurposesOfUse.Treatment], Start, End, Now));

        Assert.Equal(ConsentErrorCodes.UnknownCategory, error.Code);
        Assert.True(error.Message.Length < 200, error.Message);
    }

    [Theory]
    [InlineData("treat")]
    [InlineData("RESEARCH")]
    [InlineData("PUBHLTH")]
    public void Unknown_purposes_are_rejected(string purpose)
    {
        var error = Refused(PatientConsent.Grant(ConsentId, Patient, Grantee.Practitioner(Doctor),
            [RecordCategories.Observation], [purpose], Start, End, Now));

        Assert.Equal(ConsentErrorCodes.UnknownPurpose, error.Code);
    }

    [Fact]
    public void Empty_category_and_purpose_lists_are_rejected()
    {
        Assert.Equal(ConsentErrorCodes.NoCategories, Refused(PatientConsent.Grant(ConsentId, Patient, Grantee.Practitioner(Doctor),
            [], [PurposesOfUse.Treatment], Start, End, Now)).Code);
        Assert.Equal(ConsentErrorCodes.NoPurposes, Refused(PatientConsent.Grant(ConsentId, Patient, Grantee.Practitioner(Doctor),
            [RecordCategories.Observation], [], Start, End, Now)).Code);
    }

    [Theory]
    [InlineData("short")]
    [InlineData("has space in it")]
    [InlineData("pseudo.nym.dotted")]
    [InlineData("accented-é-pseudonym")]
    [InlineData("")]
    [InlineData("patient-0001\n")]
    public void Malformed_pseudonyms_are_rejected(string pseudonym)
    {
        var asSubject = Refused(PatientConsent.Grant(ConsentId, pseudonym, Grantee.Practitioner(Doctor),
            [RecordCategories.Observation], [PurposesOfUse.Treatment], Start, End, Now));
        var asGrantee = Refused(PatientConsent.Grant(ConsentId, Patient, Grantee.Organization(pseudonym),
            [RecordCategories.Observation], [PurposesOfUse.Treatment], Start, End, Now));

        Assert.Equal(ConsentErrorCodes.MalformedSubject, asSubject.Code);
        Assert.Equal(ConsentErrorCodes.MalformedGrantee, asGrantee.Code);
    }

    [Fact]
    public void Pseudonyms_follow_the_signed_event_length_limits()
    {
        Assert.True(Pseudonyms.IsValid(new string('a', 8)));
        Assert.True(Pseudonyms.IsValid(new string('a', 128)));
        Assert.False(Pseudonyms.IsValid(new string('a', 7)));
        Assert.False(Pseudonyms.IsValid(new string('a', 129)));
        Assert.False(Pseudonyms.IsValid(null));
    }

    [Fact]
    public void An_undefined_grantee_kind_and_an_empty_id_are_rejected()
    {
        Assert.Equal(ConsentErrorCodes.MalformedGrantee, Refused(PatientConsent.Grant(ConsentId, Patient, new Grantee((GranteeKind)7, Doctor),
            [RecordCategories.Observation], [PurposesOfUse.Treatment], Start, End, Now)).Code);
        Assert.Equal(ConsentErrorCodes.InvalidId, Refused(PatientConsent.Grant(Guid.Empty, Patient, Grantee.Practitioner(Doctor),
            [RecordCategories.Observation], [PurposesOfUse.Treatment], Start, End, Now)).Code);
    }

    [Fact]
    public void Restore_applies_the_same_rules()
    {
        var restored = PatientConsent.Restore(ConsentId, Patient, Grantee.Practitioner(Doctor), [RecordCategories.Observation, "xray"],
            [PurposesOfUse.Treatment], Start, End, ConsentStatus.Active, 1, Now, Now);
        var badVersion = PatientConsent.Restore(ConsentId, Patient, Grantee.Practitioner(Doctor), [RecordCategories.Observation],
            [PurposesOfUse.Treatment], Start, End, ConsentStatus.Active, 0, Now, Now);
        var updatedBeforeCreated = PatientConsent.Restore(ConsentId, Patient, Grantee.Practitioner(Doctor), [RecordCategories.Observation],
            [PurposesOfUse.Treatment], Start, End, ConsentStatus.Active, 2, Now, Now.AddSeconds(-1));

        Assert.Equal(ConsentErrorCodes.UnknownCategory, restored.Error?.Code);
        Assert.Equal(ConsentErrorCodes.InvalidVersion, badVersion.Error?.Code);
        Assert.Equal(ConsentErrorCodes.InvalidTimestamps, updatedBeforeCreated.Error?.Code);
    }
}
