namespace Platform.Identity.Kyc;

/// <summary>How a case came to be approved; the assurance level depends on it.</summary>
public enum KycApprovalPath
{
    /// <summary>The automated checks routed it to auto-approve.</summary>
    Automated = 1,

    /// <summary>A reviewer approved it from manual review.</summary>
    ManualReview = 2,
}
