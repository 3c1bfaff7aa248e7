using Microsoft.EntityFrameworkCore;
using Npgsql;
using Platform.BuildingBlocks.Tests.Messaging;
using Platform.ServiceDefaults;
using Platform.Testing;

namespace Platform.BuildingBlocks.Tests.ServiceDefaults;

/// <summary>
/// Issue 18: the services' PostgreSQL connections prepare their hot statements (<see cref="PostgresConnectionDefaults"/>),
/// unless the operator's connection string says otherwise. Judged on a real server by <c>pg_prepared_statements</c>.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresConnectionDefaultsTests(PostgresServer postgres)
{
    [Theory]
    [InlineData("Host=db;Database=vault;Username=u;Password=p", 64)]
    [InlineData("Host=db;Database=vault;Max Auto Prepare=0", 0)]
    [InlineData("Host=db;Database=vault;MaxAutoPrepare=8", 8)]
    [InlineData("Host=db;Database=vault;max auto prepare=16", 16)]
    public void The_operators_setting_wins_and_everything_else_is_kept(string configured, int expected)
    {
        var applied = new NpgsqlConnectionStringBuilder(PostgresConnectionDefaults.Apply(configured));
        var original = new NpgsqlConnectionStringBuilder(configured);

        Assert.Equal(expected, applied.MaxAutoPrepare);
        Assert.Equal((original.Host, original.Database, original.Username, original.Password), (applied.Host, applied.Database, applied.Username, applied.Password));
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData("0", false)]
    public async Task A_statement_run_again_on_a_connection_is_prepared_there(string? maxAutoPrepare, bool prepared)
    {
        var connectionString = await postgres.CreateDatabaseAsync("autoprepare");
        if (maxAutoPrepare is not null)
        {
            connectionString += ";Max Auto Prepare=" + maxAutoPrepare;
        }
        await using var db = await OneItemAsync(connectionString);

        for (var i = 0; i < 8; i++)
        {
            Assert.Equal("one", (await ReadItemAsync(db)).Name);
        }
        Assert.Equal(prepared, await PreparedOnThisConnectionAsync(db));
    }

    /// <summary>
    /// A migration applied while a pod runs can change a column's type under a statement its connections have prepared;
    /// PostgreSQL then refuses the prepared statement ("cached plan must not change result type", 0A000). Npgsql drops
    /// what the connection had prepared when that happens, so the cost is one failed run, not a connection that fails
    /// from then on. Judged on a real server.
    /// </summary>
    [Fact]
    public async Task A_column_type_changed_under_a_prepared_statement_fails_at_most_one_run()
    {
        var connectionString = await postgres.CreateDatabaseAsync("autoprepare_ddl");
        await using var db = await OneItemAsync(connectionString);
        for (var i = 0; i < 8; i++)
        {
            await ReadItemAsync(db);
        }
        Assert.True(await PreparedOnThisConnectionAsync(db), "the read was not prepared, so this test would prove nothing");

        // The migration, from another connection, as the chart's migration job would run it.
        await using (var other = new NpgsqlConnection(connectionString))
        {
            await other.OpenAsync();
            await using var alter = new NpgsqlCommand("ALTER TABLE \"Items\" ALTER COLUMN \"Name\" TYPE varchar(200)", other);
            await alter.ExecuteNonQueryAsync();
        }

        var failures = 0;
        for (var attempt = 0; attempt < 3; attempt++)
        {
            try
            {
                Assert.Equal("one", (await ReadItemAsync(db)).Name);
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.FeatureNotSupported)
            {
                failures++;
            }
        }
        Assert.InRange(failures, 0, 1);
    }

    /// <summary>A context on the services' PostgreSQL settings, its table holding one item, its connection held open (prepared statements live on one connection).</summary>
    private static async Task<ItemsContext> OneItemAsync(string connectionString)
    {
        var options = new DbContextOptionsBuilder<ItemsContext>();
        options.UseServiceProvider(DatabaseProvider.Postgres, connectionString);
        var db = new ItemsContext(options.Options);
        await db.Database.EnsureCreatedAsync();
        db.Items.Add(new Item { Id = 1, Name = "one" });
        await db.SaveChangesAsync();
        await db.Database.OpenConnectionAsync();
        return db;
    }

    private static Task<Item> ReadItemAsync(ItemsContext db) => db.Items.AsNoTracking().SingleAsync(item => item.Id == 1);

    private static async Task<bool> PreparedOnThisConnectionAsync(ItemsContext db)
    {
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE '%FROM \"Items\"%'";
        return Convert.ToInt64(await command.ExecuteScalarAsync()) > 0;
    }

    public sealed class ItemsContext(DbContextOptions<ItemsContext> options) : DbContext(options)
    {
        public DbSet<Item> Items => Set<Item>();
    }

    public sealed class Item
    {
        public int Id { get; set; }
        public string Name { get; set; } = "";
    }
}
