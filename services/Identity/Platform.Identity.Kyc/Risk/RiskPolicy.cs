namespace Platform.Identity.Kyc;

/// <summary>
/// Turns check results into a score (the sum of <see cref="CheckResult.ScoreContribution"/>) and a route: below
/// <see cref="ManualReviewFrom"/> auto-approve, from <see cref="RejectFrom"/> reject, in between manual review. A
/// failed check listed in <see cref="AlwaysReview"/> forces manual review whatever the score, because a possible
/// sanctions match needs a human decision (and possibly a report), not an automatic yes or no.
/// </summary>
public sealed record RiskPolicy
{
    public int ManualReviewFrom { get; init; } = 30;

    public int RejectFrom { get; init; } = 100;

    public IReadOnlySet<string> AlwaysReview { get; init; } = new HashSet<string>(StringComparer.Ordinal) { KycCheckCodes.SanctionsScreening };

    public (int Score, KycRoute Route) Route(IReadOnlyCollection<CheckResult> checks)
    {
        ArgumentNullException.ThrowIfNull(checks);
        if (ManualReviewFrom <= 0 || RejectFrom < ManualReviewFrom)
        {
            throw new InvalidOperationException("Thresholds must satisfy 0 < ManualReviewFrom <= RejectFrom.");
        }

        var score = checks.Sum(c => c.ScoreContribution);
        if (checks.Any(c => !c.Passed && AlwaysReview.Contains(c.Code)))
        {
            return (score, KycRoute.ManualReview);
        }

        var route = score >= RejectFrom ? KycRoute.Reject : score >= ManualReviewFrom ? KycRoute.ManualReview : KycRoute.AutoApprove;

        // A check that could not run (no valid MRZ) adds no points but must never let a case through unseen. A
        // failed check weighted 0 on purpose is informational and does not count here.
        if (route == KycRoute.AutoApprove && checks.Any(c => !c.Passed && c.Reason == KycCheckReasons.MrzUnavailable))
        {
            route = KycRoute.ManualReview;
        }

        return (score, route);
    }
}
