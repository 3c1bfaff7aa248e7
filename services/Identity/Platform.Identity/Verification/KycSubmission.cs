using Platform.Identity.Kyc;
namespace Platform.Identity.Verification;

/// <summary>
/// POST /kyc/cases/{id}/evidence: the form as the applicant filled it in, the document's machine-readable zone
/// (lines separated by newlines), optional images (base64), and a command id that makes a retry harmless.
/// </summary>
public sealed record KycSubmission(
    Guid? CommandId,
    int? ExpectedVersion,
    string? GivenNames,
    string? FamilyName,
    string? BirthDate,
    string? Nationality,
    string? DocumentNumber,
    string? IssuingCountry,
    string? Mrz,
    string? DocumentImage,
    string? DocumentImageType,
    string? Selfie,
    string? SelfieType);

/// <summary>POST /kyc/cases/{id}/decision (reviewers).</summary>
public sealed record KycDecisionRequest(Guid? CommandId, int? ExpectedVersion, string? Decision, string? Reason, bool AllowResubmission = true);
