using Microsoft.AspNetCore.Http;

namespace Platform.ServiceDefaults;

/// <summary>
/// Thrown by domain code to reject a request with a specific status and a message that is safe to show the caller
/// (no secrets, no personal data).
/// </summary>
public class ProblemException(int statusCode, string title, string detail, string? errorCode = null)
    : Exception(detail)
{
    public int StatusCode { get; } = statusCode;
    public string Title { get; } = title;
    public string? ErrorCode { get; } = errorCode;

    /// <summary>When set, the answer carries <c>Retry-After</c> (whole seconds, rounded up): a quota or limit ran out.</summary>
    public TimeSpan? RetryAfter { get; init; }

    public static ProblemException BadRequest(string detail, string? code = null) =>
        new(StatusCodes.Status400BadRequest, "The request is invalid.", detail, code);

    public static ProblemException NotFound(string detail) =>
        new(StatusCodes.Status404NotFound, "The resource was not found.", detail);

    public static ProblemException Conflict(string detail, string? code = null) =>
        new(StatusCodes.Status409Conflict, "The request conflicts with the current state.", detail, code);

    public static ProblemException TooManyRequests(string detail, string code, TimeSpan retryAfter) =>
        new(StatusCodes.Status429TooManyRequests, "Too many requests.", detail, code) { RetryAfter = retryAfter };

    public static ProblemException Unprocessable(string detail, string? code = null) =>
        new(StatusCodes.Status422UnprocessableEntity, "The request could not be processed.", detail, code);
}
