using Platform.Identity.Kyc;
using Platform.ServiceDefaults;

namespace Platform.Identity.Verification;

/// <summary>Maps the KYC workflow's refusals to problem+json.</summary>
public static class KycProblems
{
    public static ProblemException From(KycError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return error.Code switch
        {
            KycErrorCodes.VersionConflict or KycErrorCodes.InvalidTransition or KycErrorCodes.ResubmissionNotAllowed or KycErrorCodes.CommandIdReused
                => ProblemException.Conflict(error.Message, error.Code),
            KycErrorCodes.ReviewerIsOwner => new ProblemException(Microsoft.AspNetCore.Http.StatusCodes.Status403Forbidden, "Not allowed.", error.Message, error.Code),
            _ => ProblemException.Unprocessable(error.Message, error.Code),
        };
    }

    public static T Unwrap<T>(KycResult<T> result) where T : class =>
        result.IsSuccess ? result.Value! : throw From(result.Error!);
}
