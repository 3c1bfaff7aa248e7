using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Platform.ServiceDefaults;

/// <summary>
/// The security headers on every answer of every service, pages and APIs alike, errors included:
/// <c>X-Content-Type-Options: nosniff</c> (a browser never guesses a type, so a stored text or JSON answer is never
/// run as HTML or script), a Content-Security-Policy, and framing refused (<c>frame-ancestors 'none'</c>, with
/// <c>X-Frame-Options: DENY</c> for browsers without CSP level 2), so no page, the KYC reviewer's decision form
/// included, can be clickjacked. The policy is chosen when the answer starts, from its Content-Type:
/// HTML gets <see cref="PagePolicy"/>, everything else <see cref="ApiPolicy"/>. An answer that does not set its own
/// <c>Cache-Control</c> gets <c>no-store</c>.
/// </summary>
public static class SecurityHeaders
{
    /// <summary>
    /// The pages load nothing but the design system's files and their own scripts from their own origin
    /// (Platform.WebUi's <c>WebUiAssets</c>, <see cref="PageScripts"/>) and inline images of the evidence
    /// (<c>data:</c>); no inline style or script. <c>form-action</c> is left out on purpose: browsers apply it to the
    /// redirect after a form, and the sign-in and consent forms end in a redirect to the OAuth client.
    /// </summary>
    public const string PagePolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; base-uri 'none'; frame-ancestors 'none'";

    /// <summary>An API answer is data: nothing in it may load or run anything, or be framed.</summary>
    public const string ApiPolicy = "default-src 'none'; frame-ancestors 'none'";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        context.Response.OnStarting(static state =>
        {
            var response = ((HttpContext)state).Response;
            var headers = response.Headers;
            headers.XContentTypeOptions = "nosniff";
            // Overwrites antiforgery's SAMEORIGIN: no page of the platform is meant to be framed, even by itself.
            headers.XFrameOptions = "DENY";
            headers.ContentSecurityPolicy = IsHtml(response.ContentType) ? PagePolicy : ApiPolicy;
            headers["Referrer-Policy"] = "no-referrer";
            // Nothing is cacheable unless its endpoint says for how long (the status list, the stylesheets): records,
            // consents, tokens, KYC answers and the pages of a signed-in person must never stay in a browser or proxy cache.
            if (string.IsNullOrEmpty(headers.CacheControl))
            {
                headers.CacheControl = "no-store";
            }
            return Task.CompletedTask;
        }, context);
        return next(context);
    });

    private static bool IsHtml(string? contentType) =>
        contentType is not null && contentType.StartsWith("text/html", StringComparison.OrdinalIgnoreCase);
}
