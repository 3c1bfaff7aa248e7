using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Platform.ServiceDefaults;

namespace Platform.Hosting;

/// <summary>
/// The body of every service's Program.cs: <c>migrate</c> brings the service's database to the latest migration
/// (or <c>--to</c> one) and exits; anything else runs the service.
/// <code>
/// Platform.Consent migrate [--to MIGRATION|0] [--ConnectionStrings:consent=...]   exit 0: done; 1: failed
/// Platform.Consent [configuration arguments]                                       the service
/// </code>
/// The migrate command builds only configuration, logging and the DbContext: no key provider, event bus or
/// endpoints, so the chart's migration Job needs nothing but the DDL-capable connection string.
/// </summary>
public static partial class ServiceProgram
{
    public const string MigrateCommand = "migrate";

    public static async Task<int> RunAsync<TContext>(ServiceIdentity service, string[] args, Func<string[], WebApplication> build)
        where TContext : DbContext
    {
        if (args is [MigrateCommand, .. var rest])
        {
            return await MigrateAsync<TContext>(service, rest);
        }
        try
        {
            await build(args).RunAsync();
            return 0;
        }
        catch (DatabaseSchemaException ex)
        {
            // Already logged as critical by the start-up step; one plain line for whoever reads the pod's last words.
            await Console.Error.WriteLineAsync(ex.Message);
            return 1;
        }
    }

    /// <summary>Applies the service's migrations; 0 when the database is at the target, 1 otherwise.</summary>
    public static async Task<int> MigrateAsync<TContext>(ServiceIdentity service, string[] args, CancellationToken cancellationToken = default)
        where TContext : DbContext
    {
        string? target = null;
        var configurationArgs = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--to" when i + 1 < args.Length:
                    target = args[++i];
                    break;
                case "--help" or "-h":
                    await Console.Out.WriteLineAsync(
                        $"usage: {service.AssemblyName} migrate [--to MIGRATION|0] [configuration arguments]\n" +
                        $"  Applies the {service.Name} database's migrations (ConnectionStrings:{service.Name}, Database:Provider) and exits:\n" +
                        "  0 when the database is at the latest migration (or at --to; 0 reverts every migration), 1 on failure.");
                    return 0;
                default:
                    configurationArgs.Add(args[i]);
                    break;
            }
        }

        var builder = ServiceHost.CreateBuilder(service, [.. configurationArgs]);
        builder.AddStructuredLogging();
        await using var app = builder.AddServiceDbContext<TContext>().Build();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Platform.Migrations");
        try
        {
            await using var scope = app.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<TContext>();
            var lockTimeout = builder.Configuration.GetValue<TimeSpan?>("Database:MigrationLockTimeout");
            await DatabaseMigrations.ApplyAsync(db, logger, target, lockTimeout, cancellationToken);
            return 0;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogFailed(logger, service.Name, ex);
            return 1;
        }
    }

    [LoggerMessage(Level = LogLevel.Critical, Message = "Migrating the {Service} database failed")]
    private static partial void LogFailed(ILogger logger, string service, Exception exception);
}
