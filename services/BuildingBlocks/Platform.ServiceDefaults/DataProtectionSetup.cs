using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;

namespace Platform.ServiceDefaults;

/// <summary>
/// Where the Data Protection key ring (antiforgery tokens, sign-in cookies) lives when Redis is not configured:
/// a folder under <c>Data:Directory</c>, so the dev host's sign-ins survive a restart. With Redis,
/// <see cref="RedisSetup"/> keeps it there, shared by all replicas. <c>DataProtection:Directory</c> moves the folder:
/// the dev host gives each ledger replica its own, because each wraps its ring with its own KEK and could not open
/// another replica's keys.
/// </summary>
public static class DataProtectionSetup
{
    public static WebApplicationBuilder AddLocalDataProtectionUnlessRedis(this WebApplicationBuilder builder)
    {
        if (RedisSetup.IsConfigured(builder.Configuration))
        {
            return builder;
        }
        var serviceName = builder.Configuration["Service:Name"] ?? "platform";
        var directory = builder.Configuration["DataProtection:Directory"] is { Length: > 0 } configured
            ? Path.GetFullPath(configured)
            : Path.Combine(Path.GetFullPath(builder.Configuration["Data:Directory"] ?? "data"), "dataprotection", serviceName);
        builder.Services.AddDataProtection()
            .SetApplicationName(serviceName)
            .PersistKeysToFileSystem(Directory.CreateDirectory(directory));
        return builder;
    }
}
