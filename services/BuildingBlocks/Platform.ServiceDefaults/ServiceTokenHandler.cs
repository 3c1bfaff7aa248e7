using System.Net.Http.Headers;

namespace Platform.ServiceDefaults;

/// <summary>
/// Adds a client-credentials access token from the identity service to outgoing calls to another platform
/// service. Tokens are fetched with <c>ServiceClient:ClientId</c> / <c>ServiceClient:ClientSecret</c> from the token
/// endpoint named in <c>Authentication:Authority</c>'s discovery document, cached until a minute before expiry,
/// and refetched once when the callee answers 401.
/// </summary>
public sealed class ServiceTokenHandler(ServiceTokenSource tokens, string scope) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await tokens.GetAsync(scope, refresh: false, cancellationToken));
        var response = await base.SendAsync(request, cancellationToken);
        // Retry once with a fresh token (the old one may have been revoked); only bodies that can be sent twice.
        if (response.StatusCode != System.Net.HttpStatusCode.Unauthorized || (request.Content is not null and not ByteArrayContent))
        {
            return response;
        }
        response.Dispose();
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await tokens.GetAsync(scope, refresh: true, cancellationToken));
        return await base.SendAsync(request, cancellationToken);
    }
}
