using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;

namespace Platform.Identity.Oidc;

/// <summary>
/// A request to an OAuth endpoint (<c>/connect/*</c>) that cannot even be read, such as a form value with a
/// <c>%00</c>, makes the framework's form reader throw inside OpenIddict. The client gets RFC 6749's error format
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
        httpContext.Response.StatusCode = StatusCodes.Status400BadRequest;
        httpContext.Response.Headers.CacheControl = "no-store";
        await httpContext.Response.WriteAsJsonAsync(new Dictionary<string, string>
        {
            ["error"] = "invalid_request",
            ["error_description"] = "The request could not be read (for example, a parameter contains a NUL character).",
        }, cancellationToken);
        return true;
    }

    private static bool IsUnreadableRequest(Exception exception) =>
        exception is InvalidDataException or BadHttpRequestException { StatusCode: StatusCodes.Status400BadRequest };
}
