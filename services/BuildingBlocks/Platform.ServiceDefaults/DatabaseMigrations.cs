using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Migrations.Operations;
using Microsoft.Extensions.Logging;

namespace Platform.ServiceDefaults;

/// <summary>
/// Brings a service database to a migration, safely when several processes try at once (two replicas starting on a
/// fresh database, two migration Jobs): the service's <c>migrate</c> command and the start-up step both go through here.
/// <list type="bullet">
/// <item>PostgreSQL: a session-level advisory lock (<c>pg_try_advisory_lock</c>, polled) is held around the whole
/// step, so the second process waits, then finds nothing pending. A session lock is released by the server when
/// the connection drops, so a killed migration never leaves a stale lock behind.</item>
/// <item>SQLite: EF Core 9+ takes its own lock (a row in <c>__EFMigrationsLock</c>) around Migrate and SQLite
/// serialises writers on the file; the dev host is the only SQLite user and migrates each file once.</item>
/// </list>
/// EF Core 9+ also refuses to migrate when the model has changes no migration captures (PendingModelChangesWarning
/// is an error by default), so a model change without a migration stops here, loudly.
/// </summary>
public static partial class DatabaseMigrations
{
    private static readonly TimeSpan LockPollInterval = TimeSpan.FromMilliseconds(500);

    /// <summary>Migrations this build knows that the database has not applied.</summary>
    public static async Task<IReadOnlyList<string>> PendingAsync(DbContext db, CancellationToken cancellationToken)
    {
        RequireMigrations(db);
        return [.. await db.Database.GetPendingMigrationsAsync(cancellationToken)];
    }

    /// <summary>
    /// Applies every pending migration (or moves to <paramref name="targetMigration"/>, up or down; <c>0</c> reverts
    /// all) and returns the migrations the database has afterwards.
    /// </summary>
    public static async Task<IReadOnlyList<string>> ApplyAsync(
        DbContext db, ILogger logger, string? targetMigration = null, TimeSpan? lockTimeout = null, CancellationToken cancellationToken = default)
    {
        RequireMigrations(db);
        var context = db.GetType().Name;
        // Migrations may rewrite large tables; the default 30 s command timeout is for requests, not for DDL.
        db.Database.SetCommandTimeout(TimeSpan.FromMinutes(10));
        await using var migrationLock = await AcquireLockAsync(db, logger, lockTimeout ?? TimeSpan.FromMinutes(10), cancellationToken);

        await AdoptSchemaWithoutHistoryAsync(db, logger, cancellationToken);
        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        if (targetMigration is null && pending.Count == 0)
        {
            LogUpToDate(logger, context, db.Database.GetMigrations().Last());
        }
        else
        {
            LogMigrating(logger, context, targetMigration ?? "the latest migration", string.Join(", ", pending));
            await db.GetService<IMigrator>().MigrateAsync(targetMigration, cancellationToken);
        }
        var applied = (await db.Database.GetAppliedMigrationsAsync(cancellationToken)).ToList();
        LogAt(logger, context, applied.LastOrDefault() ?? "(no migration)", applied.Count);
        return applied;
    }

    private static void RequireMigrations(DbContext db)
    {
        if (!db.Database.GetMigrations().Any())
        {
            throw new DatabaseSchemaException(
                $"{db.GetType().Name} has no migrations for {db.Database.ProviderName}: a service context needs one subclass per provider " +
                $"marked [MigrationsProvider] with its migrations (tests/tools/add-migration.sh).");
        }
    }

    private static async Task<IAsyncDisposable> AcquireLockAsync(DbContext db, ILogger logger, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (!db.Database.IsNpgsql())
        {
            return NoLock.Instance;
        }
        var key = LockKey(db.GetType().Name);
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            var deadline = DateTimeOffset.UtcNow + timeout;
            var waiting = false;
            while (!await TryLockAsync(db, key, cancellationToken))
            {
                if (!waiting)
                {
                    LogWaiting(logger, db.GetType().Name);
                    waiting = true;
                }
                if (DateTimeOffset.UtcNow > deadline)
                {
                    throw new DatabaseSchemaException(
                        $"Another process has held the migration lock of {db.GetType().Name} for more than {timeout}; is a migration still running?");
                }
                await Task.Delay(LockPollInterval, cancellationToken);
            }
        }
        catch
        {
            await db.Database.CloseConnectionAsync();
            throw;
        }
        return new AdvisoryLock(db, key);
    }

    private static async Task<bool> TryLockAsync(DbContext db, long key, CancellationToken cancellationToken) =>
        (await db.Database.SqlQueryRaw<bool>("SELECT pg_try_advisory_lock({0}) AS \"Value\"", key)
            .ToListAsync(cancellationToken)).Single();

    /// <summary>A stable 64-bit key per context (FNV-1a of its name): advisory locks are per database, the name only keeps them apart from other users' locks.</summary>
    internal static long LockKey(string contextName)
    {
        var hash = 14695981039346656037UL;
        foreach (var b in System.Text.Encoding.UTF8.GetBytes("platform-migrations:" + contextName))
        {
            hash = (hash ^ b) * 1099511628211UL;
        }
        return unchecked((long)hash);
    }

    /// <summary>
    /// A database whose schema was created before this service had migrations (EnsureCreated, up to the first
    /// migration) has every table of the first migration but no history: record the first migration as applied, so
    /// that the later ones apply on top. A database with only some of those tables is not one this service made.
    /// </summary>
    private static async Task AdoptSchemaWithoutHistoryAsync(DbContext db, ILogger logger, CancellationToken cancellationToken)
    {
        // Asked of the catalogue rather than IHistoryRepository.Exists, which Npgsql answers true for a database
        // that EnsureCreated made (seen with Npgsql.EntityFrameworkCore.PostgreSQL 10.0.3).
        var existing = (await ExistingTablesAsync(db, cancellationToken)).ToHashSet(StringComparer.Ordinal);
        if (existing.Contains(HistoryRepository.DefaultTableName))
        {
            return;
        }
        var history = db.GetService<IHistoryRepository>();
        var migrations = db.GetService<IMigrationsAssembly>();
        var (firstId, firstType) = migrations.Migrations.First();
        var first = migrations.CreateMigration(firstType, db.Database.ProviderName!);
        var tables = first.UpOperations.OfType<CreateTableOperation>().Select(t => t.Name).ToList();
        var present = tables.Where(existing.Contains).ToList();
        if (present.Count == 0)
        {
            return;
        }
        if (present.Count < tables.Count)
        {
            throw new DatabaseSchemaException(
                $"The database of {db.GetType().Name} has no migration history but some of the tables of {firstId} " +
                $"({string.Join(", ", present)}) and not others ({string.Join(", ", tables.Except(present))}): it was not created by this service. " +
                "Point the service at an empty database or at its own.");
        }
        LogAdopting(logger, db.GetType().Name, firstId);
        await db.Database.ExecuteSqlRawAsync(history.GetCreateIfNotExistsScript(), cancellationToken);
        await db.Database.ExecuteSqlRawAsync(history.GetInsertScript(new HistoryRow(firstId, ProductInfo.GetVersion())), cancellationToken);
    }

    private static Task<List<string>> ExistingTablesAsync(DbContext db, CancellationToken cancellationToken) =>
        (db.Database.IsNpgsql()
            ? db.Database.SqlQueryRaw<string>("SELECT table_name AS \"Value\" FROM information_schema.tables WHERE table_schema = current_schema()")
            : db.Database.SqlQueryRaw<string>("SELECT name AS \"Value\" FROM sqlite_master WHERE type = 'table'"))
        .ToListAsync(cancellationToken);

    private sealed class AdvisoryLock(DbContext db, long key) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            try
            {
                await db.Database.ExecuteSqlRawAsync("SELECT pg_advisory_unlock({0})", key);
            }
            finally
            {
                // Closing also ends the session, which releases the lock should the unlock have failed.
                await db.Database.CloseConnectionAsync();
            }
        }
    }

    private sealed class NoLock : IAsyncDisposable
    {
        public static readonly NoLock Instance = new();

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Waiting for another process's migration of {Context} to finish")]
    private static partial void LogWaiting(ILogger logger, string context);

    [LoggerMessage(Level = LogLevel.Information, Message = "Schema of {Context} is at the latest migration {Migration}")]
    private static partial void LogUpToDate(ILogger logger, string context, string migration);

    [LoggerMessage(Level = LogLevel.Information, Message = "Migrating {Context} to {Target}; pending: {Pending}")]
    private static partial void LogMigrating(ILogger logger, string context, string target, string pending);

    [LoggerMessage(Level = LogLevel.Information, Message = "Schema of {Context} at {Migration} ({Count} migrations applied)")]
    private static partial void LogAt(ILogger logger, string context, string migration, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Schema of {Context} was created without migrations; recording {Migration} as applied")]
    private static partial void LogAdopting(ILogger logger, string context, string migration);
}
