using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Platform.ServiceDefaults;

/// <summary>
/// Before the server accepts traffic: with <c>Database:ApplyMigrationsAtStart</c> (default true; the dev host and
/// the tests) applies pending migrations under the migration lock; without it (the chart: its migration Job runs
/// <c>migrate</c> with a DDL-capable user and the service keeps a DML-only one) checks that no migration is pending
/// and refuses to start otherwise. Runs in the host's start phase, so a database that cannot be reached or is
/// behind stops the start (the orchestrator restarts the pod) instead of serving errors.
/// </summary>
public sealed partial class DatabaseInitializer<TContext>(
    IServiceProvider services, IConfiguration configuration, ILogger<DatabaseInitializer<TContext>> logger)
    : IHostedService where TContext : DbContext
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();
        if (configuration.GetValue("Database:ApplyMigrationsAtStart", true))
        {
            await DatabaseMigrations.ApplyAsync(db, logger, cancellationToken: cancellationToken);
        }
        else
        {
            var pending = await DatabaseMigrations.PendingAsync(db, cancellationToken);
            if (pending.Count > 0)
            {
                var service = configuration["Service:Name"];
                LogPending(logger, typeof(TContext).Name, string.Join(", ", pending));
                throw new DatabaseSchemaException(
                    $"The {service} database is behind this build: {pending.Count} pending migration(s) ({string.Join(", ", pending)}). " +
                    $"Run the service's `migrate` command with a DDL-capable connection string (the chart's migration Job does), " +
                    $"or set Database:ApplyMigrationsAtStart=true.");
            }
        }
        if (db.Database.IsSqlite())
        {
            // WAL lets readers run beside the outbox relay's writes.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        }
        LogReady(logger, typeof(TContext).Name);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Critical, Message = "Refusing to start: the schema of {Context} has pending migrations ({Pending}) and Database:ApplyMigrationsAtStart is false; run the service's migrate command first")]
    private static partial void LogPending(ILogger logger, string context, string pending);

    [LoggerMessage(Level = LogLevel.Information, Message = "Database for {Context} ready")]
    private static partial void LogReady(ILogger logger, string context);
}
