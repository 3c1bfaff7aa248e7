using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Platform.ServiceDefaults;

/// <summary>
/// Registers a service's own DbContext (pooled) on SQLite (default) or PostgreSQL, its readiness check, and the
/// start-up step that creates the schema.
/// Configuration: <c>Database:Provider</c> (Sqlite|Postgres), <c>ConnectionStrings:{service}</c>,
/// <c>Data:Directory</c> (where SQLite files go when no connection string is given).
/// </summary>
public static class ServiceDatabase
{
    public static WebApplicationBuilder AddServiceDatabase<TContext>(this WebApplicationBuilder builder)
        where TContext : DbContext
    {
        var serviceName = builder.Configuration["Service:Name"]
            ?? throw new InvalidOperationException("Service:Name is not set; create the builder with ServiceHost.CreateBuilder.");
        var provider = builder.Configuration.GetValue("Database:Provider", DatabaseProvider.Sqlite);
        var connectionString = builder.Configuration.GetConnectionString(serviceName);

        if (provider == DatabaseProvider.Sqlite && string.IsNullOrWhiteSpace(connectionString))
        {
            var directory = Path.GetFullPath(builder.Configuration["Data:Directory"] ?? "data");
            Directory.CreateDirectory(directory);
            connectionString = $"Data Source={Path.Combine(directory, serviceName + ".db")};Cache=Shared;Pooling=True";
        }
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException(
                $"ConnectionStrings:{serviceName} is required when Database:Provider is {provider}.");
        }

        // Pooled: creating a context per request was most of a consent decision's cost (docs/benchmarks.md). The
        // contexts take nothing but their options, so a reset context carries no state from the previous request.
        builder.Services.AddDbContextPool<TContext>(options =>
        {
            _ = provider switch
            {
                DatabaseProvider.Postgres => options.UseNpgsql(connectionString),
                _ => options.UseSqlite(connectionString),
            };
        });
        builder.Services.AddHealthChecks().AddDbContextCheck<TContext>("database", tags: [HealthTags.Ready]);
        builder.Services.AddHostedService<DatabaseInitializer<TContext>>();
        return builder;
    }
}
