namespace Platform.Identity.Kyc;

/// <summary>Stable action names in <see cref="KycAuditEntry.Action"/>.</summary>
public static class KycActions
{
    public const string Register = "register";
    public const string SubmitEvidence = "submit_evidence";
    public const string ResubmitEvidence = "resubmit_evidence";
    public const string BeginChecks = "begin_checks";
    public const string CompleteChecks = "complete_checks";
    public const string ReviewDecision = "review_decision";
}
