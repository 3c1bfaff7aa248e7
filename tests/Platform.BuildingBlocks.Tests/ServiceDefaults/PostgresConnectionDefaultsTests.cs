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
        var options = new DbContextOptionsBuilder<ItemsContext>();
        options.UseServiceProvider(DatabaseProvider.Postgres, connectionString);
        await using var db = new ItemsContext(options.Options);
        await db.Database.EnsureCreatedAsync();
        db.Items.Add(new Item { Id = 1, Name = "one" });
        await db.SaveChangesAsync();

        await db.Database.OpenConnectionAsync();
        for (var i = 0; i < 8; i++)
        {
            Assert.Equal("one", (await db.Items.AsNoTracking().SingleAsync(item => item.Id == i % 1 + 1)).Name);
        }
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE '%FROM \"Items\"%'";
        var count = Convert.ToInt64(await command.ExecuteScalarAsync());

        Assert.Equal(prepared, count > 0);
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
