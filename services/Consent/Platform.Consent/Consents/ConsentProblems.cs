using Platform.Consent.Core;
using Platform.ServiceDefaults;

namespace Platform.Consent.Consents;

/// <summary>Maps the domain's refusals to problem+json: bad input is 422, a consent in the wrong state is 409.</summary>
public static class ConsentProblems
{
    private static readonly HashSet<string> StateConflicts = new(StringComparer.Ordinal)
    {
        ConsentErrorCodes.NotActive, ConsentErrorCodes.ConsentExpired, ConsentErrorCodes.NeverExpires, ConsentErrorCodes.NotYetExpired, ConsentErrorCodes.NoChange,
    };

    public static ProblemException From(ConsentError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return StateConflicts.Contains(error.Code)
            ? ProblemException.Conflict(error.Message, error.Code)
            : ProblemException.Unprocessable(error.Message, error.Code);
    }
}
