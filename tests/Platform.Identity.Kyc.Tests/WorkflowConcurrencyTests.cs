using Platform.Identity.Kyc;
using static Platform.Identity.Kyc.Tests.Flow;

namespace Platform.Identity.Kyc.Tests;

public sealed class WorkflowConcurrencyTests
{
    [Fact]
    public void A_stale_expected_version_is_a_conflict()
    {
        var review = InReview();
        var approved = Ok(review.Decide(Decide(review.Version, KycDecision.Approve, reviewer: "reviewer-a"), At(4))).Case;

        // Reviewer B opened the case at the same version and decides after A's decision was stored.
        var conflict = Refused(approved.Decide(Decide(review.Version, KycDecision.Reject, reviewer: "reviewer-b"), At(5)));

        Assert.Equal(KycErrorCodes.VersionConflict, conflict.Code);
        Assert.Equal((KycCaseState.Approved, "reviewer-a"), (approved.State, approved.Approval!.By));
    }

    [Fact]
    public void A_version_from_the_future_is_a_conflict_too()
    {
        Assert.Equal(KycErrorCodes.VersionConflict, Refused(InReview().Decide(Decide(9, KycDecision.Approve), At(4))).Code);
    }

    [Fact]
    public async Task Of_many_concurrent_reviewer_decisions_exactly_one_wins()
    {
        const int reviewers = 8;
        var store = new CaseStore(InReview());
        var opened = store.Load().Version;
        using var start = new Barrier(reviewers);

        // Dedicated threads: a barrier over pool threads would wait for the pool to grow.
        var outcomes = await Task.WhenAll(Enumerable.Range(0, reviewers).Select(i => Task.Factory.StartNew(
            () =>
            {
                var command = Decide(opened, i % 2 == 0 ? KycDecision.Approve : KycDecision.Reject, reviewer: $"reviewer-{i}", reason: $"decision {i}");
                start.SignalAndWait();
                return store.Execute(c => c.Decide(command, At(4)));
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default)));

        Assert.Single(outcomes, o => o == "saved");
        Assert.Equal(reviewers - 1, outcomes.Count(o => o == KycErrorCodes.VersionConflict));
        var final = store.Load();
        Assert.Equal((opened + 1, opened + 1), (final.Version, final.Audit.Count));
        Assert.Contains(final.State, new[] { KycCaseState.Approved, KycCaseState.Rejected });
    }

    /// <summary>
    /// What the service's repository does: save only over the version that was loaded (a concurrency token); on a
    /// lost race reload and run the same command again, which the domain then refuses as a version conflict.
    /// </summary>
    private sealed class CaseStore(KycCase initial)
    {
        private readonly Lock _gate = new();
        private KycCase _current = initial;

        public KycCase Load()
        {
            lock (_gate)
            {
                return _current;
            }
        }

        public string Execute(Func<KycCase, KycResult<KycCaseChange>> command)
        {
            while (true)
            {
                var loaded = Load();
                var result = command(loaded);
                if (!result.IsSuccess)
                {
                    return result.Error.Code;
                }

                if (result.Value.Replayed)
                {
                    return "replayed";
                }

                Thread.Yield();
                lock (_gate)
                {
                    if (_current.Version == loaded.Version)
                    {
                        _current = result.Value.Case;
                        return "saved";
                    }
                }
            }
        }
    }
}
