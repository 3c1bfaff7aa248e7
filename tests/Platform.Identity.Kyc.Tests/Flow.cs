using Platform.Identity.Kyc;
using static Platform.Identity.Kyc.Tests.Specimens;

namespace Platform.Identity.Kyc.Tests;

/// <summary>Drives cases into each state through the public commands, one minute per step.</summary>
internal static class Flow
{
    public const string Owner = "user-owner";
    public const string Reviewer = "user-reviewer";
    public const string Checker = "system:kyc-checks";

    public static readonly Guid CaseId = Guid.Parse("6f1f6a4e-8a3b-4c57-9a0e-2b7b9f1d0c11");

    public static KycAssessment AutoApprove => KycCheckRunnerTests.Run(new KycApplication(Owner, KycCheckRunnerTests.CleanForm, KycCheckRunnerTests.CleanMrz));

    public static KycAssessment Review => KycCheckRunnerTests.Run(new KycApplication(Owner, KycCheckRunnerTests.CleanForm with { BirthDate = new DateOnly(1974, 8, 21) }, KycCheckRunnerTests.CleanMrz));

    public static KycAssessment Reject => KycCheckRunnerTests.Run(new KycApplication(Owner, KycCheckRunnerTests.CleanForm, CorruptDigit(KycCheckRunnerTests.CleanMrz, 1, 27)));

    public static KycCase Registered() => Ok(KycCase.Register(CaseId, Owner, Guid.NewGuid(), Owner, Now)).Case;

    public static KycCase Submitted(EvidenceKinds kinds = EvidenceKinds.DocumentImage) => Ok(Registered().SubmitEvidence(Submit(1, kinds), At(1))).Case;

    public static KycCase InChecks(EvidenceKinds kinds = EvidenceKinds.DocumentImage) => Ok(Submitted(kinds).BeginChecks(Begin(2), At(2))).Case;

    public static KycCase Checked(KycAssessment assessment, EvidenceKinds kinds = EvidenceKinds.DocumentImage) =>
        Ok(InChecks(kinds).CompleteChecks(Complete(3, assessment), At(3))).Case;

    public static KycCase InReview(EvidenceKinds kinds = EvidenceKinds.DocumentImage) => Checked(Review, kinds);

    public static KycCase Decided(KycDecision decision, EvidenceKinds kinds = EvidenceKinds.DocumentImage, bool allowResubmission = true) =>
        Ok(InReview(kinds).Decide(Decide(4, decision, allowResubmission: allowResubmission), At(4))).Case;

    public static SubmitEvidenceCommand Submit(int expectedVersion, EvidenceKinds kinds = EvidenceKinds.DocumentImage, Guid? id = null, string evidence = "evidence-1") =>
        new(id ?? Guid.NewGuid(), expectedVersion, Owner, evidence, kinds);

    public static BeginChecksCommand Begin(int expectedVersion, Guid? id = null) => new(id ?? Guid.NewGuid(), expectedVersion, Checker);

    public static CompleteChecksCommand Complete(int expectedVersion, KycAssessment assessment, Guid? id = null) => new(id ?? Guid.NewGuid(), expectedVersion, Checker, assessment);

    public static ReviewDecisionCommand Decide(int expectedVersion, KycDecision decision, string reviewer = Reviewer, string reason = "Photo and data match; birth date typo on the form.", Guid? id = null, bool allowResubmission = true) =>
        new(id ?? Guid.NewGuid(), expectedVersion, reviewer, decision, reason, allowResubmission);

    public static DateTimeOffset At(int minutes) => Now.AddMinutes(minutes);

    public static T Ok<T>(KycResult<T> result)
        where T : class
    {
        Assert.True(result.IsSuccess, result.ToString());
        return result.Value;
    }

    public static KycError Refused<T>(KycResult<T> result)
        where T : class
    {
        Assert.False(result.IsSuccess, "Expected a refusal.");
        return result.Error;
    }
}
