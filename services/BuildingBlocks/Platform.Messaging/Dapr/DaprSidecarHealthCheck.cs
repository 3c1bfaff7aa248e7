using Dapr;
using Dapr.Client;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Platform.Messaging.Dapr;

/// <summary>Ready only while the Dapr sidecar reports healthy (events cannot be published without it).</summary>
public sealed class DaprSidecarHealthCheck(DaprClient dapr) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            return await dapr.CheckHealthAsync(cancellationToken)
                ? HealthCheckResult.Healthy("Dapr sidecar is healthy.")
                : HealthCheckResult.Unhealthy("Dapr sidecar is not healthy.");
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or DaprException)
        {
            return HealthCheckResult.Unhealthy("Dapr sidecar did not answer.");
        }
    }
}
