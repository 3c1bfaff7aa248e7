using BenchmarkDotNet.Attributes;
using Microsoft.EntityFrameworkCore;
using Platform.Contracts.Events;
using Platform.Messaging;
using Platform.Messaging.Outbox;

namespace Platform.Benchmarks;

/// <summary>
/// What the transactional outbox costs a state change: saving one row (baseline) against saving the same row plus
/// its event in the same transaction, on the embedded SQLite store.
/// </summary>
[MemoryDiagnoser]
public class OutboxBenchmarks
{
    private string _directory = null!;
    private DbContextOptions<BenchDbContext> _options = null!;

    [GlobalSetup]
    public void Setup()
    {
        _directory = Directory.CreateTempSubdirectory("bench-outbox-").FullName;
        _options = new DbContextOptionsBuilder<BenchDbContext>()
            .UseSqlite($"Data Source={Path.Combine(_directory, "bench.db")};Pooling=True").Options;
        using var db = new BenchDbContext(_options);
        db.Database.EnsureCreated();
        db.Database.ExecuteSqlRaw("PRAGMA journal_mode=WAL;");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Benchmark(Baseline = true, Description = "state change alone (baseline)")]
    public async Task StateChangeOnly()
    {
        await using var db = new BenchDbContext(_options);
        db.Items.Add(new BenchItem { Id = Guid.NewGuid(), Value = "consent" });
        await db.SaveChangesAsync();
    }

    [Benchmark(Description = "state change + outbox event")]
    public async Task StateChangeWithEvent()
    {
        await using var db = new BenchDbContext(_options);
        var item = new BenchItem { Id = Guid.NewGuid(), Value = "consent" };
        db.Items.Add(item);
        db.AddIntegrationEvent(new ConsentChangedV1(item.Id, "pseudonym-123", 1, new string('a', 64), "header.payload.signature"), "consent");
        await db.SaveChangesAsync();
    }

    public sealed class BenchItem
    {
        public Guid Id { get; set; }
        public string Value { get; set; } = "";
    }

    public sealed class BenchDbContext(DbContextOptions<BenchDbContext> options) : DbContext(options)
    {
        public DbSet<BenchItem> Items => Set<BenchItem>();

        protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.AddOutboxAndInbox();
    }
}
