using Microsoft.AspNetCore.Http;
using Platform.Consent.Core;
using Platform.ServiceDefaults;

namespace Platform.Consent.Consents;

/// <summary>
/// Maps the domain's refusals to problem+json: bad input is 422, a consent or proposal in the wrong state is 409, an
/// admin approving their own proposal is 403.
/// </summary>
public static class ConsentProblems
{
    private static readonly HashSet<string> StateConflicts = new(StringComparer.Ordinal)
    {
        ConsentErrorCodes.NotActive, ConsentErrorCodes.ConsentExpired, ConsentErrorCodes.NeverExpires, ConsentErrorCodes.NotYetExpired, ConsentErrorCodes.NoChange,
        ConsentErrorCodes.ProposalExpired, ConsentErrorCodes.ProposalNotPending, ConsentErrorCodes.RequestExpired, ConsentErrorCodes.RequestNotPending,
    };

    public static ProblemException From(ConsentError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        if (error.Code == ConsentErrorCodes.SelfApproval)
        {
            return new ProblemException(StatusCodes.Status403Forbidden, "Four eyes required.", error.Message, error.Code);
        }
        return StateConflicts.Contains(error.Code)
            ? ProblemException.Conflict(error.Message, error.Code)
            : ProblemException.Unprocessable(error.Message, error.Code);
    }
}
