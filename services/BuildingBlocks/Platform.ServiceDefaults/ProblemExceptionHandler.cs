using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;

namespace Platform.ServiceDefaults;

/// <summary>
/// Maps exceptions to problem+json. Known client errors keep their status (400, 413, 422…);
/// anything else is a 500 whose body names no exception type, message or stack.
/// </summary>
public sealed partial class ProblemExceptionHandler(IProblemDetailsService problems, ILogger<ProblemExceptionHandler> logger)
    : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var problem = exception switch
        {
            ProblemException p => Problem(p.StatusCode, p.Title, p.Message, p.ErrorCode),
            BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } =>
                Problem(StatusCodes.Status413PayloadTooLarge, "The request body is too large.",
                    "The request body exceeds the size this endpoint accepts.", "request_too_large"),
            BadHttpRequestException { InnerException: JsonException } =>
                Problem(StatusCodes.Status400BadRequest, "The request body is not valid JSON.",
                    "The body could not be read as the JSON this endpoint expects.", "invalid_json"),
            BadHttpRequestException bad =>
                Problem(bad.StatusCode, "The request is invalid.", bad.Message, "bad_request"),
            // The form reader refuses a body it cannot decode (a %00 in a value, say): the client's fault, not a 500.
            InvalidDataException when httpContext.Request.HasFormContentType =>
                Problem(StatusCodes.Status400BadRequest, "The form is not valid.",
                    "The form body could not be decoded (for example, it contains a NUL character).", "invalid_form"),
            JsonException =>
                Problem(StatusCodes.Status400BadRequest, "The request body is not valid JSON.",
                    "The body could not be read as the JSON this endpoint expects.", "invalid_json"),
            OperationCanceledException when httpContext.RequestAborted.IsCancellationRequested =>
                Problem(499, "The client closed the request.", "The request was cancelled by the client.", "cancelled"),
            _ => null,
        };

        if (problem is null)
        {
            // Log the type only at error level with the exception object: log sinks are trusted, clients are not.
            LogUnhandled(logger, exception.GetType().Name, exception);
            problem = Problem(StatusCodes.Status500InternalServerError, "An unexpected error occurred.",
                "The server could not complete the request. Quote the traceId when reporting it.", "internal_error");
        }

        httpContext.Response.StatusCode = problem.Status ?? StatusCodes.Status500InternalServerError;
        if (exception is ProblemException { RetryAfter: { } retryAfter })
        {
            httpContext.Response.Headers.RetryAfter = ((long)Math.Ceiling(Math.Max(1, retryAfter.TotalSeconds))).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = problem,
            Exception = exception,
        });
    }

    private static ProblemDetails Problem(int status, string title, string detail, string? code)
    {
        var problem = new ProblemDetails { Status = status, Title = title, Detail = detail };
        if (code is not null)
        {
            problem.Extensions["code"] = code;
        }
        return problem;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled {ExceptionType} while serving a request")]
    private static partial void LogUnhandled(ILogger logger, string exceptionType, Exception exception);
}
