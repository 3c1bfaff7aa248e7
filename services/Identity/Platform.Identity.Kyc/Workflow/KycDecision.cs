namespace Platform.Identity.Kyc;

/// <summary>What a reviewer decides.</summary>
public enum KycDecision
{
    Approve = 1,
    Reject = 2,
}
