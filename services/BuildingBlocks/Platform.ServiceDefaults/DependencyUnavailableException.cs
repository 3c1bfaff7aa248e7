using Microsoft.AspNetCore.Http;

namespace Platform.ServiceDefaults;

/// <summary>
/// Another platform service this request needs could not answer (no answer in time, unreachable, a failure after the
/// retries, an open circuit, an answer it could not use): 503 problem+json with Retry-After and the caller's stable
/// code. The request was fine and may succeed later, so it is neither a 500 nor a refusal.
/// </summary>
public class DependencyUnavailableException : ProblemException
{
    public DependencyUnavailableException(string title, string detail, string code)
        : base(StatusCodes.Status503ServiceUnavailable, title, detail, code)
    {
        // The circuit breaker's pause: asking again sooner would meet the open circuit.
        RetryAfter = ServiceClientResilience.BreakDuration;
    }
}
