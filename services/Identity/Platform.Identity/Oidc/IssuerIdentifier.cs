using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Platform.Identity.Oidc;

/// <summary>
/// The one issuer identifier of this service, the same string everywhere: the OpenID Connect <c>issuer</c> in
/// discovery and tokens, the RFC 9207 <c>iss</c> of authorization responses, the OpenID4VCI
/// <c>credential_issuer</c>, the credential's <c>iss</c>, the <c>issuer</c> of <c>/.well-known/jwt-vc-issuer</c>, and
/// the <c>aud</c> a holder's proof must carry. It is the string OpenIddict emits (<see cref="Uri.AbsoluteUri"/> of
/// <c>Identity:Issuer</c>, or of the request's origin and path base): for a bare origin that is
/// <c>https://id.example.org/</c>, with the terminating <c>/</c> (RFC 3986 §6.2.3 makes the empty path and <c>/</c>
/// the same URL, and <see cref="Uri"/> always writes the latter). Every specification involved compares issuers as
/// plain strings, so no component may drop or add that slash on its own.
/// </summary>
public static class IssuerIdentifier
{
    public static string Of(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (http.RequestServices.GetService<IOptions<OidcOptions>>()?.Value.Issuer is { } configured)
        {
            return configured.AbsoluteUri;
        }
        // OpenIddict's BaseUri: scheme, host, path base and a terminating slash.
        return new Uri($"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}/", UriKind.Absolute).AbsoluteUri;
    }

    /// <summary>An absolute URL of this service for a path such as <c>/credentials/nonce</c>.</summary>
    public static string Url(HttpContext http, string path) => Of(http).TrimEnd('/') + path;
}
