namespace Platform.Consent.Core;

/// <summary>
/// The stable error codes of consent operations. Callers map them to problem responses (400/409/422); the codes
/// never change meaning, messages may be reworded.
/// </summary>
public static class ConsentErrorCodes
{
    public const string InvalidId = "invalid_id";
    public const string MalformedSubject = "malformed_subject";
    public const string MalformedGrantee = "malformed_grantee";
    public const string NoCategories = "no_categories";
    public const string UnknownCategory = "unknown_category";
    public const string NoPurposes = "no_purposes";
    public const string UnknownPurpose = "unknown_purpose";
    public const string NoActions = "no_actions";
    public const string UnknownAction = "unknown_action";
    public const string EndBeforeStart = "end_before_start";
    public const string EndInPast = "end_in_past";
    public const string PeriodOutOfRange = "period_out_of_range";
    public const string WideningNotAllowed = "widening_not_allowed";
    public const string NoChange = "no_change";
    public const string NotActive = "not_active";
    public const string ConsentExpired = "consent_expired";
    public const string NotYetExpired = "not_yet_expired";
    public const string NeverExpires = "never_expires";
    public const string InvalidVersion = "invalid_version";
    public const string InvalidTimestamps = "invalid_timestamps";
    public const string UnknownStatus = "unknown_status";

    /// <summary>A consent granted on a patient's behalf needs a reason of <see cref="OnBehalfReason.Rule"/>.</summary>
    public const string OnBehalfReasonRequired = "on_behalf_reason_required";

    /// <summary>The admin who proposed a consent on a patient's behalf tried to approve it (four eyes).</summary>
    public const string SelfApproval = "self_approval";

    public const string ProposalExpired = "proposal_expired";
    public const string ProposalNotPending = "proposal_not_pending";

    /// <summary>An access request's window is shorter than <see cref="AccessRequest.MinDuration"/> or longer than <see cref="AccessRequest.MaxDuration"/>.</summary>
    public const string DurationOutOfRange = "duration_out_of_range";

    /// <summary>A clinician asked for access to their own records.</summary>
    public const string SelfRequest = "self_request";

    public const string RequestExpired = "request_expired";
    public const string RequestNotPending = "request_not_pending";
}
