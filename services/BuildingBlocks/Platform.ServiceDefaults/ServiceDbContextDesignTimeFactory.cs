using System.Reflection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Platform.ServiceDefaults;

/// <summary>
/// Creates a provider's migrations context for <c>dotnet ef</c> and for the model-drift tests, with the very options
/// the service uses (<see cref="ServiceDatabase.UseServiceProvider"/>). Scaffolding opens no connection, so the
/// connection string is a placeholder unless <c>--connection</c> is given after <c>--</c>.
/// </summary>
public class ServiceDbContextDesignTimeFactory<TContext> : IDesignTimeDbContextFactory<TContext> where TContext : DbContext
{
    public TContext CreateDbContext(string[] args)
    {
        var provider = typeof(TContext).GetCustomAttribute<MigrationsProviderAttribute>()?.Provider
            ?? throw new InvalidOperationException($"{typeof(TContext).Name} is not marked [MigrationsProvider].");
        var index = Array.IndexOf(args, "--connection");
        var connectionString = index >= 0 && index + 1 < args.Length
            ? args[index + 1]
            : provider == DatabaseProvider.Postgres ? "Host=localhost;Database=design_time" : "Data Source=design-time.db";
        var options = new DbContextOptionsBuilder<TContext>().UseServiceProvider(provider, connectionString).Options;
        return (TContext)Activator.CreateInstance(typeof(TContext), options)!;
    }
}
