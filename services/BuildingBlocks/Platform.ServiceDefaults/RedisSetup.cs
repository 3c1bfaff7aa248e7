using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace Platform.ServiceDefaults;

/// <summary>
/// When <c>ConnectionStrings:Redis</c> is set (deployed), Redis holds the Data Protection key ring shared by a
/// service's replicas and is checked for readiness. Without it (embedded host) everything stays in memory.
/// </summary>
public static class RedisSetup
{
    public static bool IsConfigured(IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration.GetConnectionString("Redis"));

    public static WebApplicationBuilder AddRedisIfConfigured(this WebApplicationBuilder builder)
    {
        if (!IsConfigured(builder.Configuration))
        {
            return builder;
        }
        var connectionString = builder.Configuration.GetConnectionString("Redis")!;

        var options = ConfigurationOptions.Parse(connectionString);
        options.AbortOnConnectFail = false; // keep retrying in the background; readiness reports the outage
        options.ConnectTimeout = Math.Min(options.ConnectTimeout, 5000);
        var multiplexer = new Lazy<IConnectionMultiplexer>(() => ConnectionMultiplexer.Connect(options));

        builder.Services.AddSingleton(_ => multiplexer.Value);
        var serviceName = builder.Configuration["Service:Name"] ?? "platform";
        builder.Services.AddDataProtection()
            .SetApplicationName(serviceName)
            .PersistKeysToStackExchangeRedis(() => multiplexer.Value.GetDatabase(), $"dataprotection:{serviceName}:keys");
        // Degraded, not unready: Redis is shared by every pod, so a blip would take every pod of every service out of
        // its Service at once, although most requests never touch Redis (docs/deploy.md#readiness).
        builder.Services.AddHealthChecks().AddCheck<RedisHealthCheck>("redis", HealthStatus.Degraded, [HealthTags.Ready], TimeSpan.FromSeconds(3));
        return builder;
    }
}
