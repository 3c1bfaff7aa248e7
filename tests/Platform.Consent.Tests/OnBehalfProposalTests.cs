using System.Text;
using Platform.Consent.Core;
using Platform.Contracts.CodeLists;
using Platform.SignedEvents;
using static Platform.Consent.Tests.TestConsents;

namespace Platform.Consent.Tests;

/// <summary>Four eyes for consents granted on a patient's behalf (issue 17, finding 8), as plain domain rules.</summary>
public sealed class OnBehalfProposalTests
{
    private const string AdminA = "admin-aaaa-0001";
    private const string AdminB = "admin-bbbb-0002";
    private const string GoodReason = "Patient asked by letter, ticket 4711; identity checked at the front desk";
    private static readonly Guid ProposalId = Guid.Parse("0b7e2c1d-4f5a-4e6b-8c9d-1a2b3c4d5e6f");

    private static ConsentResult<OnBehalfProposal> Propose(string? reason = GoodReason, string[]? categories = null, DateTimeOffset? until = null) =>
        OnBehalfProposal.Propose(ProposalId, Patient, Grantee.Practitioner(Doctor), categories ?? [RecordCategories.MentalHealth], [PurposesOfUse.Treatment],
            null, null, until, AdminA, reason, Now, TimeSpan.FromHours(24));

    private static OnBehalfProposal Proposed()
    {
        var result = Propose();
        Assert.True(result.IsSuccess, result.ToString());
        return result.Value;
    }

    [Theory]
    [InlineData(null)]
    [InlineData("x")]
    [InlineData("ok")]
    [InlineData("patient asked us")]                          // 16 characters
    [InlineData("patientaskedustodoitnow")]                   // long enough, one word
    [InlineData("ticket 47114711471147114711")]               // two words
    [InlineData("12345 67890 12345 67890 12345")]             // words without a letter
    [InlineData("Patient asked by\u0007 letter, ticket 4711")] // a control character
    public void A_reason_that_says_nothing_is_refused(string? reason)
    {
        var result = Propose(reason);

        Assert.False(result.IsSuccess);
        Assert.Equal(ConsentErrorCodes.OnBehalfReasonRequired, result.Error.Code);
    }

    [Fact]
    public void A_reason_at_the_documented_minimum_is_accepted_and_kept_trimmed()
    {
        var reason = "  letter from ticket 1  ";
        Assert.Equal(OnBehalfReason.MinLength, reason.Trim().Length);

        var result = Propose(reason);

        Assert.True(result.IsSuccess, result.ToString());
        Assert.Equal(reason.Trim(), result.Value.Reason);
        Assert.Null(OnBehalfReason.Check(new string('a', 10) + " b c " + new string('d', OnBehalfReason.MaxLength - 15)));
        Assert.NotNull(OnBehalfReason.Check(new string('a', 10) + " b c " + new string('d', OnBehalfReason.MaxLength - 14)));
    }

    [Fact]
    public void A_proposal_is_pending_until_it_expires_and_checks_the_terms_at_once()
    {
        var proposal = Proposed();

        Assert.Equal(ProposalStatus.Pending, proposal.StatusAt(Now.AddHours(23)));
        Assert.Equal(ProposalStatus.Expired, proposal.StatusAt(Now.AddHours(24)));
        Assert.Equal([RecordCategories.MentalHealth], proposal.Categories);
        Assert.Equal([ProvisionActions.Access], proposal.Actions);
        Assert.Equal(ConsentErrorCodes.UnknownCategory, Propose(categories: ["x-rays-of-my-cat"]).Error!.Code);
        Assert.Throws<ArgumentOutOfRangeException>(() => OnBehalfProposal.Propose(ProposalId, Patient, Grantee.Practitioner(Doctor),
            [RecordCategories.Observation], [PurposesOfUse.Treatment], null, null, null, AdminA, GoodReason, Now, TimeSpan.FromDays(8)));
    }

    [Fact]
    public void The_proposer_cannot_approve_their_own_proposal()
    {
        var result = Proposed().Approve(ConsentId, AdminA, GoodReason, Now.AddMinutes(5));

        Assert.False(result.IsSuccess);
        Assert.Equal(ConsentErrorCodes.SelfApproval, result.Error.Code);
    }

    [Fact]
    public void A_second_admin_approves_and_the_grant_is_marked_on_behalf()
    {
        var approvedAt = Now.AddMinutes(5);

        var result = Proposed().Approve(ConsentId, AdminB, "Checked the letter and the ticket 4711 myself", approvedAt);

        Assert.True(result.IsSuccess, result.ToString());
        var (proposal, grant) = result.Value;
        Assert.Equal((ProposalStatus.Approved, AdminB, ConsentId), (proposal.Status, proposal.DecidedBy, proposal.ConsentId));
        Assert.True(grant.OnBehalf);
        Assert.Equal(ConsentAction.Grant, grant.Action);
        Assert.Equal((Patient, Doctor, 1), (grant.Consent.SubjectPseudonym, grant.Consent.Grantee.Id, grant.Consent.Version));
        // Without a start of its own the consent starts when it is approved, not when it was proposed.
        Assert.Equal(approvedAt, grant.Consent.ValidFrom);
        // Approved once, it is approved for good.
        Assert.Equal(ConsentErrorCodes.ProposalNotPending, proposal.Approve(Guid.NewGuid(), "admin-cccc-0003", GoodReason, approvedAt).Error!.Code);
    }

    [Fact]
    public void The_approver_needs_a_meaningful_reason_too()
    {
        Assert.Equal(ConsentErrorCodes.OnBehalfReasonRequired, Proposed().Approve(ConsentId, AdminB, "ok", Now).Error!.Code);
    }

    [Fact]
    public void An_expired_or_rejected_proposal_cannot_be_approved()
    {
        var proposal = Proposed();

        Assert.Equal(ConsentErrorCodes.ProposalExpired, proposal.Approve(ConsentId, AdminB, GoodReason, proposal.ExpiresAt).Error!.Code);
        var rejected = proposal.Reject(AdminA, "withdrawn", Now.AddMinutes(1));
        Assert.True(rejected.IsSuccess, rejected.ToString());
        Assert.Equal(ProposalStatus.Rejected, rejected.Value.StatusAt(proposal.ExpiresAt.AddDays(1)));
        Assert.Equal(ConsentErrorCodes.ProposalNotPending, rejected.Value.Approve(ConsentId, AdminB, GoodReason, Now.AddMinutes(2)).Error!.Code);
    }

    [Fact]
    public void Terms_that_no_longer_hold_at_approval_are_refused()
    {
        var result = Propose(until: Now.AddMinutes(30));
        Assert.True(result.IsSuccess, result.ToString());

        // It would start at its approval, after its end.
        Assert.Equal(ConsentErrorCodes.EndBeforeStart, result.Value.Approve(ConsentId, AdminB, GoodReason, Now.AddHours(1)).Error!.Code);
    }

    [Fact]
    public void The_signed_event_says_on_behalf_only_for_such_a_grant_and_is_unchanged_otherwise()
    {
        var (_, grant) = Proposed().Approve(ConsentId, AdminB, GoodReason, Now).Value!;
        var onBehalf = ConsentEventPayloads.For(grant, LedgerBlinding.NewSalt(), Guid.NewGuid(), Now);
        var own = ConsentEventPayloads.For(Ok(Grant().Revoke(Now)), LedgerBlinding.NewSalt(), Guid.NewGuid(), Now);

        Assert.True(onBehalf.OnBehalf);
        Assert.Null(SignedEventRules.Check(onBehalf));
        Assert.Contains("\"onBehalf\":true", Json(onBehalf), StringComparison.Ordinal);
        // Events of the patient's own changes keep their exact shape (no onBehalf member at all).
        Assert.DoesNotContain("onBehalf", Json(own), StringComparison.Ordinal);
        // Only a grant can be marked.
        Assert.NotNull(SignedEventRules.Check(own with { OnBehalf = true }));
    }

    private static string Json(SignedEventPayload payload) =>
        Encoding.UTF8.GetString(System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(payload));
}
