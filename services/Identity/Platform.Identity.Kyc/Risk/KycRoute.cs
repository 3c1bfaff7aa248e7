namespace Platform.Identity.Kyc;

/// <summary>Where the automated checks send a case.</summary>
public enum KycRoute
{
    AutoApprove = 1,
    ManualReview = 2,
    Reject = 3,
}
