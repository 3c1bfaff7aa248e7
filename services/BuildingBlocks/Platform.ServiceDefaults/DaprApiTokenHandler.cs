namespace Platform.ServiceDefaults;

/// <summary>
/// Adds the <c>dapr-api-token</c> header to calls that go through the local Dapr sidecar (service invocation)
/// when the injector set <c>DAPR_API_TOKEN</c>; other calls are left untouched so the token never leaves the pod.
/// </summary>
public sealed class DaprApiTokenHandler(string? token) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!string.IsNullOrEmpty(token) && request.RequestUri is { IsLoopback: true } uri &&
            uri.AbsolutePath.StartsWith("/v1.0/invoke/", StringComparison.Ordinal))
        {
            request.Headers.Remove("dapr-api-token");
            request.Headers.Add("dapr-api-token", token);
        }
        return base.SendAsync(request, cancellationToken);
    }
}
