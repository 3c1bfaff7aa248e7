using Platform.Consent.Core;
using Platform.Contracts.CodeLists;
using static Platform.Consent.Tests.TestConsents;

namespace Platform.Consent.Tests;

/// <summary>A clinician's request for access and the patient's answer, as plain domain rules (issue 19).</summary>
public sealed class AccessRequestTests
{
    private static readonly Guid RequestId = Guid.Parse("6a1f0c3e-2b4d-4c5e-9f6a-7b8c9d0e1f2a");
    private static readonly TimeSpan Lifetime = TimeSpan.FromHours(24);

    private static ConsentResult<AccessRequest> Ask(TimeSpan? duration = null, string[]? categories = null, string patient = Patient, string clinician = Doctor) =>
        AccessRequest.Create(RequestId, patient, clinician, categories ?? [RecordCategories.Observation], [PurposesOfUse.Treatment],
            duration ?? TimeSpan.FromHours(1), Now, Lifetime);

    private static AccessRequest Asked()
    {
        var result = Ask();
        Assert.True(result.IsSuccess, result.ToString());
        return result.Value;
    }

    [Fact]
    public void An_approval_grants_a_read_only_consent_to_the_clinician_for_the_requested_window_from_the_approval()
    {
        var approvedAt = Now.AddHours(3);
        var result = Asked().Approve(Guid.NewGuid(), approvedAt);

        Assert.True(result.IsSuccess, result.ToString());
        var consent = result.Value.Grant.Consent;
        Assert.Equal(AccessRequestStatus.Approved, result.Value.Request.Status);
        Assert.Equal(consent.Id, result.Value.Request.ConsentId);
        Assert.Equal(new Grantee(GranteeKind.Practitioner, Doctor), consent.Grantee);
        Assert.Equal(ConsentAction.Grant, result.Value.Grant.Action);
        Assert.Equal(new[] { ProvisionActions.Access }, consent.Actions.ToArray());
        // The window starts when the patient says yes, not when the clinician asked.
        Assert.Equal(ConsentTimes.Ceiling(approvedAt), consent.ValidFrom);
        Assert.Equal(ConsentTimes.Floor(approvedAt + TimeSpan.FromHours(1)), consent.ValidUntil);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(0.5)]
    [InlineData(60 * 24 * 31)]
    public void A_window_outside_one_minute_to_thirty_days_is_refused(double minutes)
    {
        var result = Ask(TimeSpan.FromMinutes(minutes));

        Assert.False(result.IsSuccess);
        Assert.Equal(ConsentErrorCodes.DurationOutOfRange, result.Error.Code);
    }

    [Fact]
    public void Terms_a_grant_would_refuse_are_refused_when_asked()
    {
        Assert.Equal(ConsentErrorCodes.UnknownCategory, Ask(categories: ["everything"]).Error?.Code);
        Assert.Equal(ConsentErrorCodes.NoCategories, Ask(categories: []).Error?.Code);
        Assert.Equal(ConsentErrorCodes.MalformedSubject, Ask(patient: "../x").Error?.Code);
        Assert.Equal(ConsentErrorCodes.SelfRequest, Ask(patient: Doctor).Error?.Code);
    }

    [Fact]
    public void A_request_not_answered_in_time_expires_and_can_no_longer_be_approved_or_declined()
    {
        var request = Asked();
        var late = Now + Lifetime;

        Assert.Equal(AccessRequestStatus.Pending, request.StatusAt(late.AddMilliseconds(-1)));
        Assert.Equal(AccessRequestStatus.Expired, request.StatusAt(late));
        Assert.Equal(ConsentErrorCodes.RequestExpired, request.Approve(Guid.NewGuid(), late).Error?.Code);
        Assert.Equal(ConsentErrorCodes.RequestExpired, request.Decline(late).Error?.Code);
    }

    [Fact]
    public void An_answered_request_cannot_be_answered_again()
    {
        var approved = Asked().Approve(Guid.NewGuid(), Now).Value!.Request;
        var declined = Asked().Decline(Now).Value!;

        Assert.Equal(ConsentErrorCodes.RequestNotPending, approved.Approve(Guid.NewGuid(), Now).Error?.Code);
        Assert.Equal(ConsentErrorCodes.RequestNotPending, approved.Decline(Now).Error?.Code);
        Assert.Equal(ConsentErrorCodes.RequestNotPending, declined.Approve(Guid.NewGuid(), Now).Error?.Code);
        Assert.Equal(AccessRequestStatus.Declined, declined.Status);
        Assert.Null(declined.ConsentId);
    }
}
