using System.Globalization;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;
using Platform.Crypto;

namespace Platform.Hosting;

/// <summary>
/// A <see cref="KeyProviderException"/> (HSM or key vault unreachable, failing, or misconfigured) answers 503
/// problem+json with Retry-After, code <c>key_provider_unavailable</c>: the request was fine and may succeed later,
/// so it is neither a 500 nor, for the record vault, a record "altered outside the vault" (that is
/// <see cref="KeyUnwrapException"/>). Registered before the service defaults' handler, which answers everything else.
/// </summary>
public sealed partial class KeyProviderExceptionHandler(IProblemDetailsService problems, ILogger<KeyProviderExceptionHandler> logger)
    : IExceptionHandler
{
    /// <summary>Seconds a client should wait: PKCS#11 reconnects on the next call, Key Vault throttling is short.</summary>
    public const int RetryAfterSeconds = 5;

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not KeyProviderException)
        {
            return false;
        }
        // The message names keys and tokens: for the log, not for the client.
        LogUnavailable(logger, exception);
        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        httpContext.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        var problem = new ProblemDetails
        {
            Status = StatusCodes.Status503ServiceUnavailable,
            Title = "The key provider is unavailable.",
            Detail = "A key operation could not be completed because the HSM or key vault did not answer as expected. "
                     + "Retry after the time in the Retry-After header.",
        };
        problem.Extensions["code"] = "key_provider_unavailable";
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem, Exception = exception });
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Key provider unavailable while serving a request; answered 503")]
    private static partial void LogUnavailable(ILogger logger, Exception exception);
}
