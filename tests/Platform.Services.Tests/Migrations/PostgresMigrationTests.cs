using System.Diagnostics;
using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Platform.ServiceDefaults;
using Platform.Testing;

namespace Platform.Services.Tests.Migrations;

/// <summary>The migrations on a real PostgreSQL (and the upgrade also on SQLite): upgrade with data, concurrent steps, the start-up guard.</summary>
public sealed class PostgresMigrationTests(PostgresServer postgres) : IClassFixture<PostgresServer>
{
    public static TheoryData<string> Contexts => MigrationContexts.Names();

    public static TheoryData<string> Services => ["identity", "consent", "record-vault", "ledger"];

    [Theory]
    [MemberData(nameof(Contexts))]
    public async Task A_database_at_the_first_migration_with_rows_upgrades_to_the_latest_with_its_rows_intact(string context)
    {
        var type = MigrationContexts.Find(context);
        var connectionString = MigrationContexts.ProviderOf(type) == DatabaseProvider.Postgres
            ? await postgres.CreateDatabaseAsync("upgrade")
            : $"Data Source={Path.Combine(Directory.CreateTempSubdirectory("platform-upgrade-").FullName, "upgrade.db")}";
        await using var db = MigrationContexts.Create(type, connectionString);
        var migrations = db.Database.GetMigrations().ToList();
        var (first, latest) = (migrations[0], migrations[^1]);

        await db.GetService<IMigrator>().MigrateAsync(first);
        var rows = await FirstMigrationRows.InsertAsync(db, first);
        Assert.NotEmpty(rows.Tables);
        var applied = await DatabaseMigrations.ApplyAsync(db, NullLogger.Instance);

        Assert.Equal(latest, applied[^1]);
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        Assert.Equal(rows.Tables.Count, await rows.CountIntactAsync(db));
        // The current model's query of every entity runs against the upgraded schema (every mapped column exists).
        foreach (var entity in db.Model.GetEntityTypes().Where(e => e.BaseType is null && !e.HasSharedClrType && !e.IsOwned() && e.GetTableName() is not null))
        {
            var set = (IQueryable)typeof(DbContext).GetMethod(nameof(DbContext.Set), Type.EmptyTypes)!.MakeGenericMethod(entity.ClrType).Invoke(db, null)!;
            var sql = set.ToQueryString();
            await using var command = db.Database.GetDbConnection().CreateCommand();
            command.CommandText = sql;
            await db.Database.OpenConnectionAsync();
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                // reading the rows is the check
            }
        }
    }

    [Theory]
    [MemberData(nameof(Contexts))]
    public async Task A_database_created_before_migrations_is_adopted_at_the_first_migration(string context)
    {
        // Dev host data folders and databases from before migrations: EnsureCreated made the schema the first
        // migration describes (the model of that time), with no migration history. Built here as that schema
        // without its history, since today's model (EnsureCreated now) may already hold later migrations' changes.
        var type = MigrationContexts.Find(context);
        var connectionString = MigrationContexts.ProviderOf(type) == DatabaseProvider.Postgres
            ? await postgres.CreateDatabaseAsync("adopt")
            : $"Data Source={Path.Combine(Directory.CreateTempSubdirectory("platform-adopt-").FullName, "adopt.db")}";
        await using var db = MigrationContexts.Create(type, connectionString);
        await db.GetService<IMigrator>().MigrateAsync(db.Database.GetMigrations().First());
        await db.Database.ExecuteSqlRawAsync("DROP TABLE \"__EFMigrationsHistory\"");
        if (MigrationContexts.ProviderOf(type) == DatabaseProvider.Sqlite)
        {
            await db.Database.ExecuteSqlRawAsync("DROP TABLE IF EXISTS \"__EFMigrationsLock\"");
        }

        var applied = await DatabaseMigrations.ApplyAsync(db, NullLogger.Instance);

        Assert.Equal(db.Database.GetMigrations(), applied);
    }

    [Theory]
    [MemberData(nameof(Services))]
    public async Task Two_migrate_commands_started_together_on_a_fresh_database_both_succeed(string service)
    {
        var connectionString = await postgres.CreateDatabaseAsync("concurrent");

        var results = await Task.WhenAll(RunServiceAsync(service, connectionString, "migrate"), RunServiceAsync(service, connectionString, "migrate"));

        Assert.All(results, r => Assert.True(r.ExitCode == 0, $"migrate exited {r.ExitCode}:\n{r.Output}"));
        var type = MigrationContexts.All.Single(t => MigrationContexts.ServiceOf(t) == service && MigrationContexts.ProviderOf(t) == DatabaseProvider.Postgres);
        await using var db = MigrationContexts.Create(type, connectionString);
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        Assert.Equal(db.Database.GetMigrations(), await db.Database.GetAppliedMigrationsAsync());
    }

    [Theory]
    [MemberData(nameof(Services))]
    public async Task Two_replicas_starting_together_on_a_fresh_database_both_come_up(string service)
    {
        var connectionString = await postgres.CreateDatabaseAsync("replicas");

        // Replicas share their keys as they share an HSM (the identity service keeps wrapped keys in its database).
        var keys = Directory.CreateTempSubdirectory("platform-replica-keys-").FullName;
        var replicas = await Task.WhenAll(
            StartAsync(service, connectionString, applyAtStart: true, keys), StartAsync(service, connectionString, applyAtStart: true, keys));
        try
        {
            foreach (var replica in replicas)
            {
                Assert.Equal(HttpStatusCode.OK, (await replica.Client.GetAsync("/health/ready")).StatusCode);
                await using var scope = replica.Services.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService(ContextOf(service));
                Assert.False(((DbContext)db).Database.HasPendingModelChanges(), "the running service's model matches its migrations");
            }
        }
        finally
        {
            foreach (var replica in replicas)
            {
                await replica.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Without_ApplyMigrationsAtStart_a_service_refuses_to_start_until_migrate_has_run()
    {
        var connectionString = await postgres.CreateDatabaseAsync("guard");

        var refused = await Assert.ThrowsAsync<DatabaseSchemaException>(() => StartAsync("consent", connectionString, applyAtStart: false));
        Assert.Contains("pending migration", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Password", refused.Message, StringComparison.OrdinalIgnoreCase);
        var process = await RunServiceAsync("consent", connectionString, "--Database:ApplyMigrationsAtStart=false", "--Keys:Provider=Software",
            $"--Keys:Software:KeyDirectory={Directory.CreateTempSubdirectory("platform-guard-keys-").FullName}");
        Assert.True(process.ExitCode == 1, $"the service binary exits 1 on pending migrations, not {process.ExitCode}:\n{process.Output}");
        Assert.Contains("pending migration", process.Output, StringComparison.Ordinal);

        var migrate = await RunServiceAsync("consent", connectionString, "migrate");
        Assert.True(migrate.ExitCode == 0, migrate.Output);
        await using var started = await StartAsync("consent", connectionString, applyAtStart: false);
        Assert.Equal(HttpStatusCode.OK, (await started.Client.GetAsync("/health/ready")).StatusCode);
    }

    [Fact]
    public async Task Migrate_to_0_reverts_every_migration_and_migrate_applies_them_again()
    {
        var connectionString = await postgres.CreateDatabaseAsync("revert");

        Assert.Equal(0, (await RunServiceAsync("ledger", connectionString, "migrate")).ExitCode);
        var revert = await RunServiceAsync("ledger", connectionString, "migrate", "--to", "0");
        Assert.True(revert.ExitCode == 0, revert.Output);
        var type = MigrationContexts.All.Single(t => MigrationContexts.ServiceOf(t) == "ledger" && MigrationContexts.ProviderOf(t) == DatabaseProvider.Postgres);
        await using (var db = MigrationContexts.Create(type, connectionString))
        {
            Assert.Empty(await db.Database.GetAppliedMigrationsAsync());
        }
        Assert.Equal(0, (await RunServiceAsync("ledger", connectionString, "migrate")).ExitCode);
    }

    [Fact]
    public async Task A_failing_migrate_exits_non_zero_without_the_password_in_its_output()
    {
        var connectionString = new Npgsql.NpgsqlConnectionStringBuilder(await postgres.CreateDatabaseAsync("fail")) { Password = "wrong-secret-123", Username = "nobody" }.ConnectionString;

        var result = await RunServiceAsync("identity", connectionString, "migrate");

        Assert.Equal(1, result.ExitCode);
        Assert.DoesNotContain("wrong-secret-123", result.Output, StringComparison.Ordinal);
    }

    private static Type ContextOf(string service) =>
        MigrationContexts.ServiceContexts.Single(t => MigrationContexts.Services[t.Assembly] == service);

    internal static Task<ServiceUnderTest> StartAsync(string service, string connectionString, bool applyAtStart, string? keyDirectory = null)
    {
        var settings = ServiceStartTests.SettingsFor(service);
        if (keyDirectory is not null)
        {
            settings["Keys:Software:KeyDirectory"] = keyDirectory;
        }
        settings["Database:Provider"] = "Postgres";
        settings[$"ConnectionStrings:{service}"] = connectionString;
        settings["Database:ApplyMigrationsAtStart"] = applyAtStart ? "true" : "false";
        return ServiceUnderTest.StartAsync(ServiceStartTests.BuildFor(service), settings);
    }

    /// <summary>
    /// Runs the service's own binary as a deployment would (a separate process, configuration from the
    /// environment), on the test's runtime configuration and dependency list, which include everything it needs.
    /// </summary>
    internal static async Task<(int ExitCode, string Output)> RunServiceAsync(string service, string connectionString, params string[] arguments)
    {
        var assembly = MigrationContexts.Services.Single(s => s.Value == service).Key;
        var testAssembly = typeof(PostgresMigrationTests).Assembly.Location;
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(assembly.Location)!,
        };
        foreach (var argument in (string[])["exec", "--runtimeconfig", Path.ChangeExtension(testAssembly, ".runtimeconfig.json"),
                     "--depsfile", Path.ChangeExtension(testAssembly, ".deps.json"), assembly.Location, .. arguments])
        {
            info.ArgumentList.Add(argument);
        }
        info.Environment["Database__Provider"] = "Postgres";
        info.Environment[$"ConnectionStrings__{service}"] = connectionString;
        info.Environment["Data__Directory"] = Directory.CreateTempSubdirectory("platform-migrate-").FullName;
        info.Environment["Urls"] = "http://127.0.0.1:0";
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{service} {string.Join(' ', arguments)} did not exit within 2 minutes:\n{await output}\n{await error}");
        }
        return (process.ExitCode, await output + await error);
    }
}
