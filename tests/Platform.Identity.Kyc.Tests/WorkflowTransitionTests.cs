using Platform.Identity.Kyc;
using static Platform.Identity.Kyc.Tests.Flow;

namespace Platform.Identity.Kyc.Tests;

public sealed class WorkflowTransitionTests
{
    [Fact]
    public void Registration_opens_version_1_with_an_audit_entry_from_nowhere()
    {
        var change = Ok(KycCase.Register(CaseId, Owner, Guid.NewGuid(), Owner, Specimens.Now));

        Assert.Equal((KycCaseState.Registered, 1, Owner), (change.Case.State, change.Case.Version, change.Case.OwnerId));
        Assert.Equal(new KycAuditEntry(1, change.Entry.CommandId, KycActions.Register, Owner, Specimens.Now, null, KycCaseState.Registered, "registered"), change.Entry);
        Assert.False(change.Replayed);
    }

    [Fact]
    public void The_automated_path_goes_through_every_state_and_audits_each_step()
    {
        var approved = Checked(AutoApprove);

        Assert.Equal((KycCaseState.Approved, 4), (approved.State, approved.Version));
        Assert.Equal(KycApprovalPath.Automated, approved.Approval!.Path);
        Assert.Equal((KycRoute.AutoApprove, 0), (approved.Assessment!.Route, approved.Assessment.RiskScore));
        Assert.Equal(
            [
                (1, KycActions.Register, Owner, (KycCaseState?)null, KycCaseState.Registered, Specimens.Now),
                (2, KycActions.SubmitEvidence, Owner, KycCaseState.Registered, KycCaseState.EvidenceSubmitted, At(1)),
                (3, KycActions.BeginChecks, Checker, KycCaseState.EvidenceSubmitted, KycCaseState.AutomatedChecks, At(2)),
                (4, KycActions.CompleteChecks, Checker, KycCaseState.AutomatedChecks, KycCaseState.Approved, At(3)),
            ],
            approved.Audit.Select(e => (e.Version, e.Action, e.Actor, e.From, e.To, e.At)));
        Assert.Equal("auto_approve", approved.Audit[^1].Reason);
        Assert.Equal(At(3), approved.UpdatedAt);
        Assert.Equal((1, "evidence-1", EvidenceKinds.DocumentImage), (approved.Submissions, approved.EvidenceReference, approved.EvidenceKinds));
    }

    [Fact]
    public void Checks_route_to_manual_review_or_rejection_with_the_failed_reasons()
    {
        var review = InReview();
        Assert.Equal(KycCaseState.ManualReview, review.State);
        Assert.Equal("manual_review: form_mismatch", review.Audit[^1].Reason);

        var rejected = Checked(Reject);
        Assert.Equal(KycCaseState.Rejected, rejected.State);
        Assert.Equal([KycCheckReasons.MrzInvalid], rejected.Rejection!.Reasons);
        Assert.True(rejected.Rejection.ResubmissionAllowed);
        Assert.Equal("reject: mrz_invalid", rejected.Audit[^1].Reason);
    }

    [Fact]
    public void A_reviewer_approves_with_a_reason_that_is_audited()
    {
        var approved = Decided(KycDecision.Approve);

        Assert.Equal((KycCaseState.Approved, 5), (approved.State, approved.Version));
        Assert.Equal(new KycApproval(KycApprovalPath.ManualReview, Reviewer, At(4), "Photo and data match; birth date typo on the form."), approved.Approval);
        var entry = approved.Audit[^1];
        Assert.Equal((KycActions.ReviewDecision, Reviewer, KycCaseState.ManualReview, KycCaseState.Approved, At(4)), (entry.Action, entry.Actor, entry.From, entry.To, entry.At));
        Assert.Equal("Photo and data match; birth date typo on the form.", entry.Reason);
    }

    [Fact]
    public void A_rejected_applicant_resubmits_and_can_then_be_approved()
    {
        var rejected = Ok(InReview().Decide(Decide(4, KycDecision.Reject, reason: "Document photo unreadable"), At(4))).Case;
        Assert.Equal(["Document photo unreadable"], rejected.Rejection!.Reasons);

        var resubmitted = Ok(rejected.SubmitEvidence(Submit(5, evidence: "evidence-2"), At(10))).Case;

        Assert.Equal((KycCaseState.EvidenceSubmitted, 6, 2, "evidence-2"), (resubmitted.State, resubmitted.Version, resubmitted.Submissions, resubmitted.EvidenceReference));
        Assert.Null(resubmitted.Rejection);
        Assert.Null(resubmitted.Assessment);
        var entry = resubmitted.Audit[^1];
        Assert.Equal((KycActions.ResubmitEvidence, KycCaseState.Rejected, KycCaseState.EvidenceSubmitted), (entry.Action, entry.From, entry.To));
        Assert.Contains("Document photo unreadable", entry.Reason, StringComparison.Ordinal);

        var inChecks = Ok(resubmitted.BeginChecks(Begin(6), At(11))).Case;
        var approved = Ok(inChecks.CompleteChecks(Complete(7, AutoApprove), At(12))).Case;
        Assert.Equal((KycCaseState.Approved, 8), (approved.State, approved.Version));
        Assert.Equal(8, approved.Audit.Count);
    }

    [Fact]
    public void An_automated_rejection_always_allows_resubmission()
    {
        var resubmitted = Ok(Checked(Reject).SubmitEvidence(Submit(4), At(5))).Case;

        Assert.Equal(KycCaseState.EvidenceSubmitted, resubmitted.State);
        Assert.Contains(KycCheckReasons.MrzInvalid, resubmitted.Audit[^1].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_final_rejection_forbids_resubmission()
    {
        var rejected = Decided(KycDecision.Reject, allowResubmission: false);

        Assert.False(rejected.Rejection!.ResubmissionAllowed);
        Assert.Equal(KycErrorCodes.ResubmissionNotAllowed, Refused(rejected.SubmitEvidence(Submit(5), At(5))).Code);
    }

    public static TheoryData<KycCaseState, string> ForbiddenTransitions => new()
    {
        { KycCaseState.Registered, "begin" }, { KycCaseState.Registered, "complete" }, { KycCaseState.Registered, "decide" },
        { KycCaseState.EvidenceSubmitted, "submit" }, { KycCaseState.EvidenceSubmitted, "complete" }, { KycCaseState.EvidenceSubmitted, "decide" },
        { KycCaseState.AutomatedChecks, "submit" }, { KycCaseState.AutomatedChecks, "begin" }, { KycCaseState.AutomatedChecks, "decide" },
        { KycCaseState.ManualReview, "submit" }, { KycCaseState.ManualReview, "begin" }, { KycCaseState.ManualReview, "complete" },
        { KycCaseState.Approved, "submit" }, { KycCaseState.Approved, "begin" }, { KycCaseState.Approved, "complete" }, { KycCaseState.Approved, "decide" },
        { KycCaseState.Rejected, "begin" }, { KycCaseState.Rejected, "complete" }, { KycCaseState.Rejected, "decide" },
    };

    [Theory]
    [MemberData(nameof(ForbiddenTransitions))]
    public void Forbidden_transitions_are_refused_and_change_nothing(KycCaseState state, string command)
    {
        var kycCase = InState(state);
        Assert.Equal(state, kycCase.State);

        var result = Attempt(kycCase, command);

        Assert.Equal(KycErrorCodes.InvalidTransition, Refused(result).Code);
    }

    public static TheoryData<KycCaseState, string> AllowedTransitions => new()
    {
        { KycCaseState.Registered, "submit" },
        { KycCaseState.EvidenceSubmitted, "begin" },
        { KycCaseState.AutomatedChecks, "complete" },
        { KycCaseState.ManualReview, "decide" },
        { KycCaseState.Rejected, "submit" },
    };

    [Theory]
    [MemberData(nameof(AllowedTransitions))]
    public void Every_allowed_transition_adds_one_version_and_one_audit_entry(KycCaseState state, string command)
    {
        var kycCase = InState(state);

        var change = Ok(Attempt(kycCase, command));

        Assert.Equal(kycCase.Version + 1, change.Case.Version);
        Assert.Equal(kycCase.Audit.Count + 1, change.Case.Audit.Count);
        Assert.Equal((state, change.Case.State), (change.Entry.From!.Value, change.Entry.To));
    }

    [Fact]
    public void The_owner_can_never_decide_their_own_case()
    {
        var review = InReview();

        Assert.Equal(KycErrorCodes.ReviewerIsOwner, Refused(review.Decide(Decide(4, KycDecision.Approve, reviewer: Owner), At(4))).Code);
        Assert.Equal(KycErrorCodes.ReviewerIsOwner, Refused(review.Decide(Decide(4, KycDecision.Reject, reviewer: Owner), At(4))).Code);
        Assert.Equal(KycCaseState.ManualReview, review.State);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void A_decision_needs_a_reason(string reason)
    {
        Assert.Equal(KycErrorCodes.ReasonRequired, Refused(InReview().Decide(Decide(4, KycDecision.Reject, reason: reason), At(4))).Code);
        Assert.Equal(KycErrorCodes.ReasonRequired, Refused(InReview().Decide(Decide(4, KycDecision.Approve, reason: new string('x', 2001)), At(4))).Code);
    }

    [Fact]
    public void Malformed_commands_are_refused_with_precise_codes()
    {
        var registered = Registered();

        Assert.Equal(KycErrorCodes.InvalidId, Refused(registered.SubmitEvidence(Submit(1, id: Guid.Empty), At(1))).Code);
        Assert.Equal(KycErrorCodes.InvalidActor, Refused(registered.SubmitEvidence(Submit(1) with { Actor = " " }, At(1))).Code);
        Assert.Equal(KycErrorCodes.InvalidEvidence, Refused(registered.SubmitEvidence(Submit(1, evidence: ""), At(1))).Code);
        Assert.Equal(KycErrorCodes.InvalidEvidence, Refused(registered.SubmitEvidence(Submit(1, kinds: (EvidenceKinds)64), At(1))).Code);
        Assert.Equal(KycErrorCodes.InvalidAssessment, Refused(InChecks().CompleteChecks(Complete(3, AutoApprove with { Checks = [] }), At(3))).Code);
        Assert.Equal(KycErrorCodes.InvalidAssessment, Refused(InChecks().CompleteChecks(Complete(3, null!), At(3))).Code);
        Assert.Equal(KycErrorCodes.InvalidActor, Refused(KycCase.Register(CaseId, "", Guid.NewGuid(), Owner, Specimens.Now)).Code);
        Assert.Equal(KycErrorCodes.InvalidId, Refused(KycCase.Register(Guid.Empty, Owner, Guid.NewGuid(), Owner, Specimens.Now)).Code);
    }

    [Fact]
    public void A_case_prints_no_evidence_or_reasons()
    {
        var text = Decided(KycDecision.Reject).ToString();

        Assert.DoesNotContain("evidence-1", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Photo", text, StringComparison.Ordinal);
    }

    internal static KycCase InState(KycCaseState state) => state switch
    {
        KycCaseState.Registered => Registered(),
        KycCaseState.EvidenceSubmitted => Submitted(),
        KycCaseState.AutomatedChecks => InChecks(),
        KycCaseState.ManualReview => InReview(),
        KycCaseState.Approved => Checked(AutoApprove),
        _ => Checked(Reject),
    };

    private static KycResult<KycCaseChange> Attempt(KycCase kycCase, string command) => command switch
    {
        "submit" => kycCase.SubmitEvidence(Submit(kycCase.Version), At(9)),
        "begin" => kycCase.BeginChecks(Begin(kycCase.Version), At(9)),
        "complete" => kycCase.CompleteChecks(Complete(kycCase.Version, AutoApprove), At(9)),
        _ => kycCase.Decide(Decide(kycCase.Version, KycDecision.Approve), At(9)),
    };
}
