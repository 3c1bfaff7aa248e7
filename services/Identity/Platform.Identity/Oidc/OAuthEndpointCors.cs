using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Net.Http.Headers;

namespace Platform.Identity.Oidc;

/// <summary>
/// CORS for the endpoints a browser application calls directly: token, userinfo, JWKS, revocation, introspection and
/// discovery. An origin is allowed only when a client registered a redirect URI on it (<see cref="ClientOrigins"/>);
/// a request that names its client (<c>client_id</c> in the form) must come from that client's own origins. A preflight
/// from any other origin gets 403 without CORS headers, and an actual request from one gets its answer without them,
/// so the browser withholds it. Credentials (cookies) are never allowed: these endpoints do not use them.
/// </summary>
public sealed class OAuthEndpointCors(RequestDelegate next, ClientOrigins origins)
{
    /// <summary>Paths answered with CORS headers (the authorization and end-session endpoints are navigations, not fetches).</summary>
    public static readonly IReadOnlySet<string> Paths = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        OidcServerSetup.TokenPath, OidcServerSetup.UserInfoPath, OidcServerSetup.JwksPath, OidcServerSetup.RevocationPath,
        OidcServerSetup.IntrospectionPath, "/.well-known/openid-configuration",
    };

    private const string AllowedMethods = "GET, POST";
    // DPoP (RFC 9449) proofs travel in their own header; clients need to read the nonce and the error back.
    private const string AllowedHeaders = "authorization, content-type, dpop";
    private const string ExposedHeaders = "dpop-nonce, www-authenticate";

    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (!Paths.Contains(request.Path.Value ?? "") || !request.Headers.TryGetValue(HeaderNames.Origin, out var originHeader))
        {
            await next(context);
            return;
        }
        var origin = ClientOrigins.Normalise(originHeader.ToString());
        context.Response.Headers.Append(HeaderNames.Vary, HeaderNames.Origin);
        var preflight = HttpMethods.IsOptions(request.Method) && request.Headers.ContainsKey(HeaderNames.AccessControlRequestMethod);
        if (preflight)
        {
            var requested = request.Headers[HeaderNames.AccessControlRequestMethod].ToString();
            if (origin is null || requested is not ("GET" or "POST") || !await origins.IsRegisteredAsync(origin, context.RequestAborted))
            {
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                return;
            }
            var headers = context.Response.Headers;
            headers[HeaderNames.AccessControlAllowOrigin] = origin;
            headers[HeaderNames.AccessControlAllowMethods] = AllowedMethods;
            headers[HeaderNames.AccessControlAllowHeaders] = AllowedHeaders;
            headers[HeaderNames.AccessControlMaxAge] = "600";
            context.Response.StatusCode = StatusCodes.Status204NoContent;
            return;
        }
        if (origin is not null && await AllowedAsync(context, origin))
        {
            context.Response.Headers[HeaderNames.AccessControlAllowOrigin] = origin;
            context.Response.Headers[HeaderNames.AccessControlExposeHeaders] = ExposedHeaders;
        }
        await next(context);
    }

    private async Task<bool> AllowedAsync(HttpContext context, string origin)
    {
        if (!await origins.IsRegisteredAsync(origin, context.RequestAborted))
        {
            return false;
        }
        // A form post that names its client: only that client's origins (another client's origin is not enough).
        if (context.Request.HasFormContentType)
        {
            IFormCollection form;
            try
            {
                // The form is cached on the request, so OpenIddict reads the same one afterwards.
                form = await context.Request.ReadFormAsync(context.RequestAborted);
            }
            catch (Exception ex) when (ex is InvalidDataException or IOException or BadHttpRequestException)
            {
                // Unreadable: no CORS headers; OpenIddict answers it with invalid_request as usual.
                return false;
            }
            if (form.TryGetValue("client_id", out var clientId) && clientId.Count == 1 && !string.IsNullOrEmpty(clientId[0]))
            {
                return await origins.BelongsToAsync(origin, clientId[0]!, context.RequestAborted);
            }
        }
        return true;
    }
}

/// <summary>Puts <see cref="OAuthEndpointCors"/> in front of the pipeline: OpenIddict answers its endpoints inside authentication.</summary>
internal sealed class OAuthEndpointCorsStartupFilter : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.UseMiddleware<OAuthEndpointCors>();
        next(app);
    };
}
