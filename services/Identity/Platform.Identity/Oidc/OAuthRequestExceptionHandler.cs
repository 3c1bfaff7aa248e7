using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;

namespace Platform.Identity.Oidc;

/// <summary>
/// A request to an OAuth endpoint (<c>/connect/*</c>) that cannot even be read, such as a form value with a
/// <c>%00</c> or a form over the body limit, makes the framework's form reader throw inside OpenIddict. The client gets RFC 6749's error format
/// (400 <c>invalid_request</c>) rather than problem+json, because OAuth clients parse <c>error</c>. Registered
/// ahead of the platform's catch-all handler, which answers every other path.
/// </summary>
public sealed class OAuthRequestExceptionHandler : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (!httpContext.Request.Path.StartsWithSegments("/connect") || !IsUnreadableRequest(exception))
        {
            return false;
        }
        var tooLarge = exception is BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge };
        httpContext.Response.StatusCode = tooLarge ? StatusCodes.Status413PayloadTooLarge : StatusCodes.Status400BadRequest;
        httpContext.Response.Headers.CacheControl = "no-store";
        await httpContext.Response.WriteAsJsonAsync(new Dictionary<string, string>
        {
            ["error"] = "invalid_request",
            ["error_description"] = tooLarge
                ? "The request body is larger than this endpoint accepts."
                : "The request could not be read (for example, a parameter contains a NUL character).",
        }, cancellationToken);
        return true;
    }

    // 413: a form over the server's body limit; the status stays (it is the truth), the body is OAuth's.
    private static bool IsUnreadableRequest(Exception exception) =>
        exception is InvalidDataException or BadHttpRequestException { StatusCode: StatusCodes.Status400BadRequest or StatusCodes.Status413PayloadTooLarge };
}
