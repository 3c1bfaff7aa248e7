using System.Net;
using System.Text.RegularExpressions;
using Npgsql;
using Platform.Testing;

namespace Platform.Services.Tests.Migrations;

/// <summary>
/// The two database users of docs/deploy.md#two-database-users-per-service, created with the SQL on that page: the
/// schema owner migrates, the service runs as the DML-only user, which cannot change the schema.
/// </summary>
public sealed partial class DatabaseUserTests(PostgresServer postgres) : IClassFixture<PostgresServer>
{
    [Fact]
    public async Task The_owner_migrates_and_the_service_runs_as_a_user_without_ddl_rights()
    {
        var (server, database) = await GuideSqlAsync();
        var ownerPassword = Guid.NewGuid().ToString("N");
        var appPassword = Guid.NewGuid().ToString("N");
        string Sql(string block) => block.Replace("consent", "identity", StringComparison.Ordinal)
            .Replace("OWNER_PASSWORD", ownerPassword, StringComparison.Ordinal).Replace("APP_PASSWORD", appPassword, StringComparison.Ordinal);
        var admin = new NpgsqlConnectionStringBuilder(await postgres.CreateDatabaseAsync("admin")) { Database = "postgres", Pooling = false };
        await ExecuteAsync(admin.ConnectionString, Sql(server));
        await ExecuteAsync(new NpgsqlConnectionStringBuilder(admin.ConnectionString) { Database = "identity" }.ConnectionString, Sql(database));
        string As(string user, string password) =>
            new NpgsqlConnectionStringBuilder(admin.ConnectionString) { Database = "identity", Username = user, Password = password, Pooling = true }.ConnectionString;
        var owner = As("identity_owner", ownerPassword);
        var app = As("identity_app", appPassword);

        var migrate = await PostgresMigrationTests.RunServiceAsync("identity", owner, "migrate");
        Assert.True(migrate.ExitCode == 0, migrate.Output);

        // The identity service writes at start (scopes, clients, signing keys): rows, no DDL.
        await using (var service = await PostgresMigrationTests.StartAsync("identity", app, applyAtStart: false))
        {
            Assert.Equal(HttpStatusCode.OK, (await service.Client.GetAsync("/health/ready")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await service.Client.GetAsync("/.well-known/openid-configuration")).StatusCode);
        }

        var revert = await PostgresMigrationTests.RunServiceAsync("identity", app, "migrate", "--to", "0");
        Assert.True(revert.ExitCode == 1, $"the app user could revert the schema:\n{revert.Output}");
        Assert.Contains("42501", revert.Output, StringComparison.Ordinal); // insufficient_privilege
        await using var check = new NpgsqlConnection(owner);
        await check.OpenAsync();
        await using var count = new NpgsqlCommand("SELECT COUNT(*) FROM \"__EFMigrationsHistory\"", check);
        Assert.True((long)(await count.ExecuteScalarAsync())! > 0, "the schema is still there");
    }

    /// <summary>The two SQL blocks under "Two database users per service" in docs/deploy.md.</summary>
    private static async Task<(string Server, string Database)> GuideSqlAsync()
    {
        var guide = await File.ReadAllTextAsync(RepositoryRoot.Combine("docs", "deploy.md"));
        var section = guide[guide.IndexOf("### Two database users per service", StringComparison.Ordinal)..];
        section = section[..section.IndexOf("\n### ", 5, StringComparison.Ordinal)];
        var blocks = SqlBlock().Matches(section).Select(m => m.Groups[1].Value).ToArray();
        Assert.Equal(2, blocks.Length);
        return (blocks[0], blocks[1]);
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        // CREATE DATABASE cannot run inside the implicit transaction of a multi-statement command: one at a time.
        foreach (var statement in sql.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            await using var command = new NpgsqlCommand(statement, connection);
            await command.ExecuteNonQueryAsync();
        }
    }

    [GeneratedRegex("```sql\\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex SqlBlock();
}
