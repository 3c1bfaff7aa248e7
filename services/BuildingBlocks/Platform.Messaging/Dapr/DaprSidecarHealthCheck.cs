using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Platform.Messaging.Dapr;

/// <summary>Ready only while the sidecar answers <c>GET /v1.0/healthz</c> (events cannot be published without it).</summary>
public sealed class DaprSidecarHealthCheck(HttpClient http, DaprSidecar sidecar) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(sidecar.HttpEndpoint, "v1.0/healthz"));
            sidecar.Authorize(request);
            using var response = await http.SendAsync(request, cancellationToken);
            return response.IsSuccessStatusCode
                ? HealthCheckResult.Healthy("Dapr sidecar is healthy.")
                : HealthCheckResult.Unhealthy($"Dapr sidecar answered HTTP {(int)response.StatusCode}.");
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("Dapr sidecar did not answer.");
        }
    }
}
