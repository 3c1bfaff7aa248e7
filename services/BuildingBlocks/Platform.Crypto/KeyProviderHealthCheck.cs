using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Platform.Crypto;

/// <summary>
/// Readiness check: records cannot be encrypted or read without the key provider. The caller registers it with
/// its own tags and failure status, e.g. <c>AddCheck&lt;KeyProviderHealthCheck&gt;("keys", HealthStatus.Degraded,
/// [HealthTags.Ready])</c>; a failure reports that status.
/// </summary>
public sealed class KeyProviderHealthCheck(IKeyProvider provider) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            return await provider.IsAvailableAsync(cancellationToken).ConfigureAwait(false)
                ? HealthCheckResult.Healthy($"Key provider {provider.ProviderName} is available.")
                : new HealthCheckResult(context.Registration?.FailureStatus ?? HealthStatus.Unhealthy, $"Key provider {provider.ProviderName} is not available.");
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            // IsAvailableAsync should not throw; if a provider does, report the type only (messages may be long).
            return new HealthCheckResult(context.Registration?.FailureStatus ?? HealthStatus.Unhealthy, $"Key provider {provider.ProviderName} check failed ({ex.GetType().Name}).");
        }
    }
}
