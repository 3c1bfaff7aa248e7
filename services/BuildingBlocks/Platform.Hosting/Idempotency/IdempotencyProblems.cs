using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Platform.Hosting.Idempotency;

/// <summary>The draft's error answers as problem+json with stable codes (docs/errors.md).</summary>
public static class IdempotencyProblems
{
    public const string InvalidCode = "idempotency_key_invalid";
    public const string ReusedCode = "idempotency_key_reused";
    public const string InFlightCode = "idempotency_key_in_flight";

    public static Task WriteInvalidAsync(HttpContext http, string detail) =>
        WriteAsync(http, StatusCodes.Status400BadRequest, "The Idempotency-Key header is invalid.", detail, InvalidCode);

    public static Task WriteReusedAsync(HttpContext http) =>
        WriteAsync(http, StatusCodes.Status422UnprocessableEntity, "The Idempotency-Key is already used.",
            "This key was used for a different request (another endpoint, target or body). Use a new key for a new request.", ReusedCode);

    public static Task WriteInFlightAsync(HttpContext http, TimeSpan retryAfter)
    {
        ArgumentNullException.ThrowIfNull(http);
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return WriteAsync(http, StatusCodes.Status409Conflict, "A request is outstanding for this Idempotency-Key.",
            "A request with the same key is still being processed. Retry the same request after the time in the Retry-After header.", InFlightCode);
    }

    private static async Task WriteAsync(HttpContext http, int status, string title, string detail, string code)
    {
        ArgumentNullException.ThrowIfNull(http);
        http.Response.StatusCode = status;
        var problem = new ProblemDetails { Status = status, Title = title, Detail = detail };
        problem.Extensions["code"] = code;
        var problems = http.RequestServices.GetService(typeof(IProblemDetailsService)) as IProblemDetailsService
            ?? throw new InvalidOperationException("Problem details are not registered.");
        await problems.WriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = problem });
    }
}
