using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace Platform.ServiceDefaults;

/// <summary>Healthy while Redis answers PING; otherwise the registration's failure status (Degraded: see RedisSetup).</summary>
public sealed class RedisHealthCheck(IConnectionMultiplexer redis) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            if (!redis.IsConnected)
            {
                return new HealthCheckResult(context.Registration?.FailureStatus ?? HealthStatus.Unhealthy, "Redis is not connected.");
            }
            var latency = await redis.GetDatabase().PingAsync().WaitAsync(cancellationToken);
            return HealthCheckResult.Healthy($"PING {latency.TotalMilliseconds:F1} ms");
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or OperationCanceledException)
        {
            return new HealthCheckResult(context.Registration?.FailureStatus ?? HealthStatus.Unhealthy, "Redis did not answer PING.");
        }
    }
}
