using Platform.Identity.Kyc;
using static Platform.Identity.Kyc.Tests.Flow;

namespace Platform.Identity.Kyc.Tests;

public sealed class AssuranceMapperTests
{
    [Theory]
    [InlineData(KycCaseState.Registered)]
    [InlineData(KycCaseState.EvidenceSubmitted)]
    [InlineData(KycCaseState.AutomatedChecks)]
    [InlineData(KycCaseState.ManualReview)]
    [InlineData(KycCaseState.Rejected)]
    public void A_case_that_is_not_approved_has_no_assurance(KycCaseState state)
    {
        Assert.Equal(new AssuranceOutcome(AssuranceLevel.None, AssuranceBasis.NotApproved), AssuranceMapper.Map(WorkflowTransitionTests.InState(state)));
    }

    [Fact]
    public void Automated_approval_with_every_check_passed_is_substantial()
    {
        var outcome = AssuranceMapper.Map(Checked(AutoApprove));

        Assert.Equal(new AssuranceOutcome(AssuranceLevel.Substantial, AssuranceBasis.AutomatedAllChecksPassed), outcome);
        Assert.Equal("substantial", outcome.Code);
    }

    [Fact]
    public void Automation_alone_never_reaches_high_even_with_a_selfie()
    {
        Assert.Equal(AssuranceLevel.Substantial, AssuranceMapper.Map(Checked(AutoApprove, EvidenceKinds.DocumentImage | EvidenceKinds.Selfie | EvidenceKinds.Liveness)).Level);
    }

    [Theory]
    [InlineData(EvidenceKinds.DocumentImage | EvidenceKinds.Selfie)]
    [InlineData(EvidenceKinds.DocumentImage | EvidenceKinds.Liveness)]
    public void A_reviewer_approval_with_document_and_selfie_or_liveness_is_high(EvidenceKinds kinds)
    {
        var outcome = AssuranceMapper.Map(Decided(KycDecision.Approve, kinds));

        Assert.Equal(new AssuranceOutcome(AssuranceLevel.High, AssuranceBasis.ManualReviewDocumentAndPerson), outcome);
        Assert.Equal("high", outcome.Code);
    }

    [Fact]
    public void A_reviewer_approval_with_the_document_alone_is_substantial()
    {
        Assert.Equal(new AssuranceOutcome(AssuranceLevel.Substantial, AssuranceBasis.ManualReviewDocument), AssuranceMapper.Map(Decided(KycDecision.Approve)));
    }

    [Fact]
    public void Without_a_document_image_or_a_verified_valid_document_the_level_is_low()
    {
        Assert.Equal(new AssuranceOutcome(AssuranceLevel.Low, AssuranceBasis.DocumentNotVerified), AssuranceMapper.Map(Checked(AutoApprove, EvidenceKinds.None)));
        Assert.Equal(AssuranceLevel.Low, AssuranceMapper.Map(Decided(KycDecision.Approve, EvidenceKinds.Selfie)).Level);

        // A reviewer who approves despite an expired document overrides the checks; the level says so.
        var expired = KycCheckRunnerTests.Run(new KycApplication(Owner, CheckTests.Form(), Specimens.Td3), new KycCheckOptions { AcceptSpecimenDocuments = true, Policy = new RiskPolicy { RejectFrom = 1000 } });
        Assert.Equal(KycRoute.ManualReview, expired.Route);
        var overridden = Ok(Checked(expired, EvidenceKinds.DocumentImage | EvidenceKinds.Selfie).Decide(Decide(4, KycDecision.Approve), At(4))).Case;
        Assert.Equal(new AssuranceOutcome(AssuranceLevel.Low, AssuranceBasis.DocumentNotVerified), AssuranceMapper.Map(overridden));
    }

    [Fact]
    public void An_automated_approval_with_a_failed_check_weighted_zero_is_low()
    {
        var options = new KycCheckOptions { Weights = new RiskWeights { FormMismatch = 0 } };
        var assessment = KycCheckRunnerTests.Run(new KycApplication(Owner, KycCheckRunnerTests.CleanForm with { BirthDate = new DateOnly(1974, 8, 21) }, KycCheckRunnerTests.CleanMrz), options);

        Assert.Equal(KycRoute.AutoApprove, assessment.Route);
        Assert.Equal(new AssuranceOutcome(AssuranceLevel.Low, AssuranceBasis.AutomatedChecksIncomplete), AssuranceMapper.Map(Checked(assessment)));
    }
}
