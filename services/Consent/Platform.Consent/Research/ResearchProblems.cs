using Microsoft.AspNetCore.Http;
using Platform.Consent.Consents;
using Platform.Consent.Core;
using Platform.ServiceDefaults;

namespace Platform.Consent.Research;

/// <summary>
/// Maps refused research operations to problem+json: who the caller is (not verified, not the representative, their own
/// review) is 403; an organisation in the wrong state (already reviewed, not verified) or an ended study is 409; bad
/// terms are 422 like every other consent refusal.
/// </summary>
public static class ResearchProblems
{
    private static readonly HashSet<string> Forbidden = new(StringComparer.Ordinal)
    {
        ResearchErrorCodes.RepresentativeNotVerified, ResearchErrorCodes.NotRepresentative, ResearchErrorCodes.SelfReview,
    };

    private static readonly HashSet<string> StateConflicts = new(StringComparer.Ordinal)
    {
        ResearchErrorCodes.OrganisationNotPending, ResearchErrorCodes.OrganisationNotVerified, ResearchErrorCodes.StudyEnded,
    };

    public static ProblemException From(ConsentError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        if (Forbidden.Contains(error.Code))
        {
            return new ProblemException(StatusCodes.Status403Forbidden, "Not allowed.", error.Message, error.Code);
        }
        return StateConflicts.Contains(error.Code)
            ? ProblemException.Conflict(error.Message, error.Code)
            : ConsentProblems.From(error);
    }
}
