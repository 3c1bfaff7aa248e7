namespace Platform.Identity.Kyc;

/// <summary>
/// Maps a case to a level of assurance. A document counts as verified when its MRZ passed the integrity check, it
/// was not expired, and an image of it is part of the evidence.
/// <list type="table">
/// <item><term>not approved</term><description>none</description></item>
/// <item><term>approved, document not verified (a reviewer overrode the checks, or no image)</term><description>low</description></item>
/// <item><term>auto-approved, some check did not pass (only possible with custom weights)</term><description>low</description></item>
/// <item><term>auto-approved, every check passed</term><description>substantial</description></item>
/// <item><term>approved by a reviewer, document verified, no selfie or liveness</term><description>substantial</description></item>
/// <item><term>approved by a reviewer, document verified, selfie or liveness compared by the reviewer</term><description>high</description></item>
/// </list>
/// Only a human comparison of the person with the document photo reaches high; automation alone never does.
/// </summary>
public static class AssuranceMapper
{
    public static AssuranceOutcome Map(KycCase kycCase)
    {
        ArgumentNullException.ThrowIfNull(kycCase);
        if (kycCase.State != KycCaseState.Approved || kycCase.Approval is not { } approval)
        {
            return new(AssuranceLevel.None, AssuranceBasis.NotApproved);
        }

        var assessment = kycCase.Assessment;
        var documentVerified = assessment is not null
            && assessment.Passed(KycCheckCodes.MrzIntegrity)
            && assessment.Passed(KycCheckCodes.DocumentExpiry)
            && kycCase.EvidenceKinds.HasFlag(EvidenceKinds.DocumentImage);
        if (!documentVerified)
        {
            return new(AssuranceLevel.Low, AssuranceBasis.DocumentNotVerified);
        }

        if (approval.Path == KycApprovalPath.Automated)
        {
            return assessment!.AllPassed
                ? new(AssuranceLevel.Substantial, AssuranceBasis.AutomatedAllChecksPassed)
                : new(AssuranceLevel.Low, AssuranceBasis.AutomatedChecksIncomplete);
        }

        return (kycCase.EvidenceKinds & (EvidenceKinds.Selfie | EvidenceKinds.Liveness)) != EvidenceKinds.None
            ? new(AssuranceLevel.High, AssuranceBasis.ManualReviewDocumentAndPerson)
            : new(AssuranceLevel.Substantial, AssuranceBasis.ManualReviewDocument);
    }
}
