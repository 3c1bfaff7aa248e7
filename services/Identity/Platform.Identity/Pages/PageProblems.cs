using Microsoft.Extensions.Localization;
using Platform.Identity.Text;
using Platform.ServiceDefaults;

namespace Platform.Identity.Pages;

/// <summary>
/// A refusal of the KYC and credential services (the API's problem+json, with its stable code) said on a page in the
/// page's language: the API's own detail is for developers and stays English. A code without words of its own gets
/// the general sentence with the code, which support staff can look up.
/// </summary>
public static class PageProblems
{
    public static string Say(IStringLocalizer<IdentityText> text, ProblemException problem)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(problem);
        return problem.ErrorCode switch
        {
            "unsupported_image_type" => text["ProblemUnsupportedImageType"],
            "too_large" => text["ProblemImageTooLarge"],
            "malformed_image" => text["ProblemMalformedImage"],
            "mrz_required" => text["ProblemMrzRequired"],
            "control_characters" => text["ProblemControlCharacters"],
            "incomplete_form" => text["ProblemIncompleteForm"],
            "malformed_birth_date" => text["ProblemMalformedBirthDate"],
            "version_conflict" => text["ProblemVersionConflict"],
            "invalid_transition" => text["ProblemInvalidTransition"],
            "resubmission_not_allowed" => text["ProblemResubmissionNotAllowed"],
            "reviewer_is_owner" => text["ProblemReviewerIsOwner"],
            "reason_required" => text["ProblemReasonRequired"],
            "invalid_decision" => text["ProblemInvalidDecision"],
            "not_verified" => text["KycCredentialNotVerified"],
            "invalid_proof" or "invalid_nonce" => text["ProblemInvalidProof"],
            _ => text["ProblemOther", problem.ErrorCode ?? problem.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture)],
        };
    }
}
