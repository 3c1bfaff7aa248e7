using Platform.Identity.Kyc;
using static Platform.Identity.Kyc.Tests.Flow;

namespace Platform.Identity.Kyc.Tests;

public sealed class WorkflowIdempotencyTests
{
    [Fact]
    public void The_same_command_twice_gives_the_same_result_without_a_second_transition()
    {
        var command = Decide(4, KycDecision.Approve);
        var first = Ok(InReview().Decide(command, At(4)));

        var second = Ok(first.Case.Decide(command, At(7)));

        Assert.True(second.Replayed);
        Assert.Same(first.Case, second.Case);
        Assert.Equal(first.Entry, second.Entry);
        Assert.Equal((5, 5), (second.Case.Version, second.Case.Audit.Count));
    }

    [Fact]
    public void An_old_command_replays_its_original_entry_after_later_transitions()
    {
        var submit = Submit(1);
        var submitted = Ok(Registered().SubmitEvidence(submit, At(1)));
        var inChecks = Ok(submitted.Case.BeginChecks(Begin(2), At(2))).Case;

        var replay = Ok(inChecks.SubmitEvidence(submit, At(9)));

        Assert.True(replay.Replayed);
        Assert.Equal(submitted.Entry, replay.Entry);
        Assert.Equal((KycCaseState.AutomatedChecks, 3), (replay.Case.State, replay.Case.Version));
    }

    [Fact]
    public void Every_command_kind_is_idempotent()
    {
        var begin = Begin(2);
        var inChecks = Ok(Submitted().BeginChecks(begin, At(2))).Case;
        Assert.True(Ok(inChecks.BeginChecks(begin, At(3))).Replayed);

        var complete = Complete(3, Flow.Review);
        var review = Ok(inChecks.CompleteChecks(complete, At(3))).Case;
        Assert.True(Ok(review.CompleteChecks(complete, At(4))).Replayed);

        var decide = Decide(4, KycDecision.Reject);
        var rejected = Ok(review.Decide(decide, At(4))).Case;
        Assert.True(Ok(rejected.Decide(decide, At(5))).Replayed);

        var resubmit = Submit(5);
        var resubmitted = Ok(rejected.SubmitEvidence(resubmit, At(6))).Case;
        Assert.True(Ok(resubmitted.SubmitEvidence(resubmit, At(7))).Replayed);
        Assert.Equal(6, resubmitted.Version);
    }

    [Fact]
    public void A_command_id_reused_for_a_different_command_is_refused()
    {
        var id = Guid.NewGuid();
        var approved = Ok(InReview().Decide(Decide(4, KycDecision.Approve, id: id), At(4))).Case;

        Assert.Equal(KycErrorCodes.CommandIdReused, Refused(approved.Decide(Decide(4, KycDecision.Reject, id: id), At(5))).Code);
        Assert.Equal(KycErrorCodes.CommandIdReused, Refused(approved.Decide(Decide(4, KycDecision.Approve, reason: "other", id: id), At(5))).Code);
        Assert.Equal(KycErrorCodes.CommandIdReused, Refused(approved.SubmitEvidence(Submit(4, id: id), At(5))).Code);
    }

    [Fact]
    public void A_refused_command_leaves_no_trace_and_may_be_retried_with_the_same_id()
    {
        var id = Guid.NewGuid();
        var registered = Registered();

        Assert.Equal(KycErrorCodes.VersionConflict, Refused(registered.SubmitEvidence(Submit(7, id: id), At(1))).Code);
        var change = Ok(registered.SubmitEvidence(Submit(1, id: id), At(1)));

        Assert.False(change.Replayed);
        Assert.Equal(2, change.Case.Version);
    }
}
