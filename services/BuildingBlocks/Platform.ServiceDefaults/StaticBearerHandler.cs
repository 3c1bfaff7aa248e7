using System.Net.Http.Headers;

namespace Platform.ServiceDefaults;

/// <summary>
/// Adds a fixed bearer token to outgoing calls, for deployments where the callee admits static tokens
/// (the ledger's <c>Ledger:AuditorTokens</c>) instead of the identity service's client-credentials tokens.
/// </summary>
public sealed class StaticBearerHandler(string token) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return base.SendAsync(request, cancellationToken);
    }
}
