using Microsoft.EntityFrameworkCore;
using Platform.BuildingBlocks.Tests.TestService;
using Platform.Messaging.Outbox;
using Platform.Testing;

namespace Platform.BuildingBlocks.Tests.Messaging;

/// <summary>
/// Issue 18: every outbox row is inserted unsent and marked sent moments later, leaving a dead row version that only
/// vacuum removes. The relay's look for due rows must not visit those again and again (a bitmap scan did, on every
/// look: the largest PostgreSQL cost of a vault read under load). Checked on a real PostgreSQL by the heap blocks the
/// look reads, from PostgreSQL's own statistics.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class OutboxDueRowsTests(PostgresServer postgres)
{
    private const int SentRows = 3000;

    [Fact]
    public async Task The_look_for_due_rows_finds_them_in_order_and_skips_dead_versions_it_has_met_once()
    {
        var options = new DbContextOptionsBuilder<TestDbContext>().UseNpgsql(await postgres.CreateDatabaseAsync("outbox_due")).Options;
        await using var db = new TestDbContext(options);
        await db.Database.EnsureCreatedAsync();
        await db.Database.OpenConnectionAsync(); // one backend throughout, whose statistics the test reads
        // No vacuum may remove the dead versions during the test.
        await db.Database.ExecuteSqlRawAsync("ALTER TABLE outbox_messages SET (autovacuum_enabled = false)");
        await db.Database.ExecuteSqlRawAsync($"""
            INSERT INTO outbox_messages ("EventId", "Topic", "Payload", "Source", "OccurredAtUtc", "Attempts", "NextAttemptAtUtc")
            SELECT gen_random_uuid(), 'test', decode(repeat('ab', 400), 'hex'), 'test', now(), 0, now()
            FROM generate_series(1, {SentRows})
            """);
        await db.Database.ExecuteSqlRawAsync("""UPDATE outbox_messages SET "SentAtUtc" = now()""");

        var now = DateTime.UtcNow;
        var due = new[] { AddUnsent(db, now.AddSeconds(-2)), AddUnsent(db, now.AddSeconds(-1)), AddUnsent(db, now) };
        var busy = AddUnsent(db, now.AddSeconds(-3));
        var later = AddUnsent(db, now.AddMinutes(5));
        await db.SaveChangesAsync();

        var (first, firstBlocks) = await WithHeapBlocksAsync(db, () => OutboxRelay<TestDbContext>.DueRowsAsync(db, now, [busy.Sequence], 10, default));
        var (second, secondBlocks) = await WithHeapBlocksAsync(db, () => OutboxRelay<TestDbContext>.DueRowsAsync(db, now, [busy.Sequence], 10, default));

        Assert.Equal(due.Select(m => m.Sequence), first.Select(m => m.Sequence));
        Assert.Equal(due.Select(m => m.Sequence), second.Select(m => m.Sequence));
        Assert.DoesNotContain(later.Sequence, first.Select(m => m.Sequence));
        // The first look meets every dead version once (the setup is what the test says it is)...
        Assert.True(firstBlocks >= 100, $"the first look read {firstBlocks} heap blocks");
        // ...and marks them, so the next reads only the pages of the live rows, not the hundreds a bitmap scan reads again.
        Assert.True(secondBlocks <= 10, $"the second look read {secondBlocks} heap blocks");
    }

    private static OutboxMessage AddUnsent(TestDbContext db, DateTime nextAttemptAtUtc)
    {
        var message = new OutboxMessage
        {
            EventId = Guid.NewGuid(),
            Topic = "test",
            Payload = [1, 2, 3],
            Source = "test",
            OccurredAtUtc = nextAttemptAtUtc,
            NextAttemptAtUtc = nextAttemptAtUtc,
        };
        db.Add(message);
        return message;
    }

    /// <summary>Runs <paramref name="look"/> and counts the outbox heap blocks this backend read for it.</summary>
    private static async Task<(T Result, long HeapBlocks)> WithHeapBlocksAsync<T>(TestDbContext db, Func<Task<T>> look)
    {
        var before = await HeapBlocksAsync(db);
        var result = await look();
        return (result, await HeapBlocksAsync(db) - before);
    }

    private static async Task<long> HeapBlocksAsync(TestDbContext db)
    {
        // A backend hands its counts to the statistics when it goes idle, at most once a second unless told to.
        await db.Database.ExecuteSqlRawAsync("SELECT pg_stat_force_next_flush()");
        return await db.Database.SqlQueryRaw<long>("""
            SELECT heap_blks_hit + heap_blks_read AS "Value" FROM pg_statio_user_tables WHERE relname = 'outbox_messages'
            """).SingleAsync();
    }
}
