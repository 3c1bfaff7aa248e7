namespace Platform.Identity.Kyc;

/// <summary>
/// Where a KYC case is. Transitions (everything else is refused with <see cref="KycErrorCodes.InvalidTransition"/>):
/// Registered → EvidenceSubmitted (submit); EvidenceSubmitted → AutomatedChecks (begin checks);
/// AutomatedChecks → Approved | ManualReview | Rejected (complete checks, by route); ManualReview → Approved |
/// Rejected (reviewer decision); Rejected → EvidenceSubmitted (resubmission, unless the rejection forbade it).
/// Approved is final; a later re-review is a new case.
/// </summary>
public enum KycCaseState
{
    Registered = 1,
    EvidenceSubmitted = 2,
    AutomatedChecks = 3,
    ManualReview = 4,
    Approved = 5,
    Rejected = 6,
}
