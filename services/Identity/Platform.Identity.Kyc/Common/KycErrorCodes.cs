namespace Platform.Identity.Kyc;

/// <summary>
/// Stable error codes of workflow and assurance operations. The service maps them to problem responses
/// (<see cref="VersionConflict"/> → 409, the rest → 400/422); codes never change meaning, messages may be reworded.
/// </summary>
public static class KycErrorCodes
{
    public const string InvalidId = "invalid_id";
    public const string InvalidActor = "invalid_actor";
    public const string InvalidEvidence = "invalid_evidence";
    public const string InvalidAssessment = "invalid_assessment";
    public const string ReasonRequired = "reason_required";

    /// <summary>The command's expected version is not the case's current version: someone else changed it first.</summary>
    public const string VersionConflict = "version_conflict";

    /// <summary>The command is not allowed in the case's current state.</summary>
    public const string InvalidTransition = "invalid_transition";

    /// <summary>A command id that was already applied came back with a different payload.</summary>
    public const string CommandIdReused = "command_id_reused";

    /// <summary>Nobody may decide their own case (four-eyes principle).</summary>
    public const string ReviewerIsOwner = "reviewer_is_owner";

    /// <summary>The last rejection said the applicant may not try again.</summary>
    public const string ResubmissionNotAllowed = "resubmission_not_allowed";

    public const string InvalidSnapshot = "invalid_snapshot";

    public const string NotApproved = "not_approved";
    public const string NoClaimsSelected = "no_claims_selected";
    public const string ClaimValueMissing = "claim_value_missing";
    public const string InvalidTrustFramework = "invalid_trust_framework";
}
