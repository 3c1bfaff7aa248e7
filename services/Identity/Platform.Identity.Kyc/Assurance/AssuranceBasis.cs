namespace Platform.Identity.Kyc;

/// <summary>Stable codes saying which row of the <see cref="AssuranceMapper"/> table produced a level.</summary>
public static class AssuranceBasis
{
    public const string NotApproved = "not_approved";
    public const string DocumentNotVerified = "document_not_verified";
    public const string AutomatedChecksIncomplete = "automated_checks_incomplete";
    public const string AutomatedAllChecksPassed = "automated_all_checks_passed";
    public const string ManualReviewDocument = "manual_review_document";
    public const string ManualReviewDocumentAndPerson = "manual_review_document_and_person";
}
