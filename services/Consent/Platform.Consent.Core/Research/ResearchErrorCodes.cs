namespace Platform.Consent.Core;

/// <summary>Stable codes of refused organisation and study operations (problem+json <c>code</c>).</summary>
public static class ResearchErrorCodes
{
    public const string InvalidLegalName = "invalid_legal_name";
    public const string InvalidRegistrationNumber = "invalid_registration_number";
    public const string InvalidCountry = "invalid_country";
    public const string InvalidAddress = "invalid_address";
    public const string RepresentativeNotVerified = "representative_not_verified";
    public const string SelfReview = "self_review";
    public const string OrganisationNotPending = "organisation_not_pending";
    public const string ReviewReasonRequired = "review_reason_required";
    public const string OrganisationNotVerified = "organisation_not_verified";
    public const string NotRepresentative = "not_representative";
    public const string InvalidTitle = "invalid_title";
    public const string InvalidProtocolSummary = "invalid_protocol_summary";
    public const string InvalidEthicsReference = "invalid_ethics_reference";
    public const string UnknownDeidentificationLevel = "unknown_deidentification_level";
    public const string InvalidPeriod = "invalid_period";
    public const string InvalidCompensation = "invalid_compensation";
    public const string StudyEnded = "study_ended";
}
