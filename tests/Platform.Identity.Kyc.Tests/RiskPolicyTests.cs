using Platform.Identity.Kyc;

namespace Platform.Identity.Kyc.Tests;

public sealed class RiskPolicyTests
{
    private static readonly RiskPolicy Policy = new();

    [Fact]
    public void All_passed_scores_zero_and_auto_approves()
    {
        Assert.Equal((0, KycRoute.AutoApprove), Policy.Route(Passed()));
    }

    [Theory]
    [InlineData(KycCheckCodes.FormConsistency, 40, KycRoute.ManualReview)]
    [InlineData(KycCheckCodes.PepScreening, 30, KycRoute.ManualReview)]
    [InlineData(KycCheckCodes.DuplicateIdentity, 40, KycRoute.ManualReview)]
    [InlineData(KycCheckCodes.SanctionsScreening, 50, KycRoute.ManualReview)]
    [InlineData(KycCheckCodes.DocumentExpiry, 100, KycRoute.Reject)]
    [InlineData(KycCheckCodes.MinimumAge, 100, KycRoute.Reject)]
    [InlineData(KycCheckCodes.MrzIntegrity, 100, KycRoute.Reject)]
    public void Single_failures_route_by_their_default_weight(string code, int points, KycRoute route)
    {
        Assert.Equal((points, route), Policy.Route(Passed(Fail(code, points))));
    }

    [Fact]
    public void Points_add_up_across_checks()
    {
        Assert.Equal((110, KycRoute.Reject), Policy.Route(Passed(Fail(KycCheckCodes.FormConsistency, 40), Fail(KycCheckCodes.DuplicateIdentity, 40), Fail(KycCheckCodes.PepScreening, 30))));
        Assert.Equal((80, KycRoute.ManualReview), Policy.Route(Passed(Fail(KycCheckCodes.FormConsistency, 40), Fail(KycCheckCodes.DuplicateIdentity, 40))));
    }

    [Fact]
    public void A_sanctions_hit_always_reaches_a_human_even_when_the_score_would_reject()
    {
        var checks = Passed(Fail(KycCheckCodes.SanctionsScreening, 50), Fail(KycCheckCodes.DocumentExpiry, 100));

        Assert.Equal((150, KycRoute.ManualReview), Policy.Route(checks));
        Assert.Equal((150, KycRoute.Reject), (Policy with { AlwaysReview = new HashSet<string>() }).Route(checks));
    }

    [Fact]
    public void Thresholds_are_configurable()
    {
        var strict = new RiskPolicy { ManualReviewFrom = 10, RejectFrom = 40 };

        Assert.Equal(KycRoute.Reject, strict.Route(Passed(Fail(KycCheckCodes.FormConsistency, 40))).Route);
        Assert.Equal(KycRoute.AutoApprove, new RiskPolicy { ManualReviewFrom = 50 }.Route(Passed(Fail(KycCheckCodes.PepScreening, 30))).Route);
        Assert.Throws<InvalidOperationException>(() => new RiskPolicy { ManualReviewFrom = 50, RejectFrom = 40 }.Route(Passed()));
    }

    [Fact]
    public void A_check_that_could_not_run_never_auto_approves_but_a_zero_weight_failure_is_informational()
    {
        var lenient = new RiskPolicy { ManualReviewFrom = 500, RejectFrom = 500 };

        Assert.Equal(KycRoute.ManualReview, lenient.Route(Passed(CheckResult.NotEvaluated(KycCheckCodes.MinimumAge, KycCheckReasons.MrzUnavailable))).Route);
        Assert.Equal(KycRoute.AutoApprove, Policy.Route(Passed(Fail(KycCheckCodes.PepScreening, 0))).Route);
    }

    private static CheckResult Fail(string code, int points) => CheckResult.Fail(code, "reason", points);

    private static CheckResult[] Passed(params CheckResult[] failures) =>
        [.. KycCheckCodes.All.Select(code => failures.FirstOrDefault(f => f.Code == code) ?? CheckResult.Pass(code))];
}
