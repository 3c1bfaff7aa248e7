using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Platform.ServiceDefaults;

/// <summary>
/// Registers a service's own DbContext (pooled) on SQLite (default) or PostgreSQL, its readiness check, and the
/// start-up step that brings the schema to the latest migration or refuses to start (<see cref="DatabaseInitializer{TContext}"/>).
/// Configuration: <c>Database:Provider</c> (Sqlite|Postgres), <c>ConnectionStrings:{service}</c>,
/// <c>Data:Directory</c> (where SQLite files go when no connection string is given),
/// <c>Database:ApplyMigrationsAtStart</c> (default true; the chart sets false and migrates in a Job).
/// </summary>
public static class ServiceDatabase
{
    public static WebApplicationBuilder AddServiceDatabase<TContext>(this WebApplicationBuilder builder)
        where TContext : DbContext
    {
        builder.AddServiceDbContext<TContext>();
        builder.Services.AddHealthChecks().AddDbContextCheck<TContext>("database", tags: [HealthTags.Ready]);
        builder.Services.AddHostedService<DatabaseInitializer<TContext>>();
        return builder;
    }

    /// <summary>
    /// Only the context, on the configured provider: what the service and its <c>migrate</c> command share.
    /// Resolving <typeparamref name="TContext"/> gives the provider's migrations context (<see cref="MigrationsProviderAttribute"/>).
    /// </summary>
    public static WebApplicationBuilder AddServiceDbContext<TContext>(this WebApplicationBuilder builder)
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
            // Private cache (the default), not Cache=Shared: a shared cache locks whole tables, so in WAL mode a reader
            // still waited for every writer (docs/benchmarks.md, identity tokens: a client lookup blocked behind token inserts).
            connectionString = $"Data Source={Path.Combine(directory, serviceName + ".db")};Pooling=True";
        }
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException(
                $"ConnectionStrings:{serviceName} is required when Database:Provider is {provider}.");
        }
        if (provider == DatabaseProvider.Sqlite)
        {
            PrivateSqliteFile.Prepare(connectionString); // health data: not readable by other local users
        }

        // Pooled: creating a context per request was most of a consent decision's cost (docs/benchmarks.md). The
        // contexts take nothing but their options, so a reset context carries no state from the previous request.
        var implementation = MigrationsContextFor(typeof(TContext), provider);
        AddPoolMethod.MakeGenericMethod(typeof(TContext), implementation)
            .Invoke(null, [builder.Services, (Action<DbContextOptionsBuilder>)(options => options.UseServiceProvider(provider, connectionString))]);
        return builder;
    }

    /// <summary>
    /// The provider options every service context is built with: at run time, by the <c>migrate</c> command, by the
    /// design-time factories (<c>dotnet ef</c>) and by the tests. Anything here that shapes the model belongs here only.
    /// </summary>
    public static DbContextOptionsBuilder UseServiceProvider(this DbContextOptionsBuilder options, DatabaseProvider provider, string connectionString) =>
        provider switch
        {
            DatabaseProvider.Postgres => options.UseNpgsql(PostgresConnectionDefaults.Apply(connectionString)),
            _ => options.UseSqlite(connectionString),
        };

    /// <summary>
    /// The subclass of <paramref name="context"/> that carries <paramref name="provider"/>'s migrations, from the
    /// context's own assembly; the context itself when it has none (test contexts, which then create their schema
    /// themselves).
    /// </summary>
    public static Type MigrationsContextFor(Type context, DatabaseProvider provider)
    {
        var candidates = context.Assembly.GetTypes()
            .Where(t => t.IsSubclassOf(context) && !t.IsAbstract
                && t.GetCustomAttribute<MigrationsProviderAttribute>()?.Provider == provider)
            .ToList();
        return candidates.Count switch
        {
            0 => context,
            1 => candidates[0],
            _ => throw new InvalidOperationException(
                $"{context.Name} has more than one {provider} migrations context: {string.Join(", ", candidates.Select(c => c.Name))}."),
        };
    }

    private static readonly MethodInfo AddPoolMethod =
        typeof(ServiceDatabase).GetMethod(nameof(AddPool), BindingFlags.NonPublic | BindingFlags.Static)!;

    private static void AddPool<TContext, TImplementation>(IServiceCollection services, Action<DbContextOptionsBuilder> configure)
        where TContext : DbContext
        where TImplementation : TContext =>
        services.AddDbContextPool<TContext, TImplementation>(configure);
}
