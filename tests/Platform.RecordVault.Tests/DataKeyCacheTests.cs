using System.Security.Cryptography;
using Microsoft.Extensions.Time.Testing;
using Platform.RecordVault.Core;
using Platform.RecordVault.Tests.Infrastructure;

namespace Platform.RecordVault.Tests;

public sealed class DataKeyCacheTests
{
    private static DataKeyCacheKey Key(int i, string kekVersion = "1") => new($"rec-{i}", 1, "kek", kekVersion);

    private static byte[] NewKey() => RandomNumberGenerator.GetBytes(EnvelopeFormat.DataKeySize);

    [Fact]
    public void A_stored_key_is_returned_as_a_copy_and_counted()
    {
        using var cache = new DataKeyCache();
        var key = NewKey();
        var read = new byte[EnvelopeFormat.DataKeySize];

        Assert.False(cache.TryGet(Key(1), read));
        cache.Set(Key(1), key);
        CryptographicOperations.ZeroMemory(key); // the caller zeroes its own copy; the cache kept another
        Assert.True(cache.TryGet(Key(1), read));

        Assert.False(Payloads.IsAllZero(read));
        Assert.Equal(read, cache.StoredMaterialForTests(Key(1)));
        Assert.NotSame(read, cache.StoredMaterialForTests(Key(1)));
        Assert.False(cache.TryGet(Key(1, kekVersion: "2"), read)); // a different KEK version is a different entry
        Assert.Equal(new DataKeyCacheStatistics(Hits: 1, Misses: 2, Evictions: 0, Expirations: 0, Count: 1), cache.GetStatistics());
    }

    [Fact]
    public void The_count_bound_evicts_the_least_recently_used_key_and_zeroes_it()
    {
        using var cache = new DataKeyCache(new DataKeyCacheOptions { MaxEntries = 3 });
        var buffer = new byte[EnvelopeFormat.DataKeySize];
        for (var i = 1; i <= 3; i++)
        {
            cache.Set(Key(i), NewKey());
        }
        Assert.True(cache.TryGet(Key(1), buffer)); // 1 is now the most recently used; 2 the least
        var stored2 = cache.StoredMaterialForTests(Key(2))!;

        cache.Set(Key(4), NewKey());

        Assert.Equal(3, cache.Count);
        Assert.True(Payloads.IsAllZero(stored2), "the evicted key was not zeroed");
        Assert.False(cache.TryGet(Key(2), buffer));
        Assert.True(cache.TryGet(Key(1), buffer));
        Assert.True(cache.TryGet(Key(3), buffer));
        Assert.True(cache.TryGet(Key(4), buffer));
        Assert.Equal(1, cache.GetStatistics().Evictions);
    }

    [Fact]
    public void Keys_expire_after_the_time_to_live_counted_from_insertion_not_from_use()
    {
        var time = new FakeTimeProvider();
        using var cache = new DataKeyCache(new DataKeyCacheOptions { TimeToLive = TimeSpan.FromMinutes(5) }, time);
        var buffer = new byte[EnvelopeFormat.DataKeySize];
        cache.Set(Key(1), NewKey());
        var stored = cache.StoredMaterialForTests(Key(1))!;

        time.Advance(TimeSpan.FromMinutes(4));
        Assert.True(cache.TryGet(Key(1), buffer)); // using it does not extend its life
        time.Advance(TimeSpan.FromSeconds(59));
        Assert.True(cache.TryGet(Key(1), buffer));
        time.Advance(TimeSpan.FromSeconds(1));

        Assert.False(cache.TryGet(Key(1), buffer));
        Assert.True(Payloads.IsAllZero(stored), "the expired key was not zeroed");
        Assert.Equal(0, cache.Count);
        Assert.Equal(new DataKeyCacheStatistics(Hits: 2, Misses: 1, Evictions: 0, Expirations: 1, Count: 0), cache.GetStatistics());
    }

    [Fact]
    public void The_sweep_zeroes_expired_keys_that_nobody_reads_again()
    {
        var time = new FakeTimeProvider();
        // The fake clock fires the cache's sweep timer when moved past it: kept out of reach so this calls the sweep itself.
        using var cache = new DataKeyCache(new DataKeyCacheOptions { TimeToLive = TimeSpan.FromMinutes(1), SweepInterval = TimeSpan.FromHours(1) }, time);
        cache.Set(Key(1), NewKey());
        cache.Set(Key(2), NewKey());
        var stored = new[] { cache.StoredMaterialForTests(Key(1))!, cache.StoredMaterialForTests(Key(2))! };
        time.Advance(TimeSpan.FromSeconds(30));
        cache.Set(Key(3), NewKey());
        time.Advance(TimeSpan.FromSeconds(31));

        Assert.Equal(2, cache.RemoveExpired());

        Assert.All(stored, s => Assert.True(Payloads.IsAllZero(s)));
        Assert.Equal(1, cache.Count);
        Assert.NotNull(cache.StoredMaterialForTests(Key(3)));
        Assert.Equal(2, cache.GetStatistics().Expirations);
    }

    [Fact]
    public void The_sweep_runs_by_itself_every_sweep_interval()
    {
        var time = new FakeTimeProvider();
        using var cache = new DataKeyCache(new DataKeyCacheOptions { TimeToLive = TimeSpan.FromMinutes(1), SweepInterval = TimeSpan.FromMinutes(2) }, time);
        cache.Set(Key(1), NewKey());
        var stored = cache.StoredMaterialForTests(Key(1))!;

        time.Advance(TimeSpan.FromMinutes(2) - TimeSpan.FromSeconds(1));
        Assert.Equal(1, cache.Count); // expired, but the sweep has not run yet
        time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(0, cache.Count);
        Assert.True(Payloads.IsAllZero(stored));
        Assert.Equal(1, cache.GetStatistics().Expirations);
    }

    [Fact]
    public void Replacing_removing_a_record_clearing_and_disposing_all_zero_the_keys()
    {
        var cache = new DataKeyCache();
        var buffer = new byte[EnvelopeFormat.DataKeySize];
        cache.Set(Key(1), NewKey());
        var replaced = cache.StoredMaterialForTests(Key(1))!;
        cache.Set(Key(1), NewKey());
        Assert.True(Payloads.IsAllZero(replaced));
        Assert.Equal(1, cache.Count);

        // Crypto-shredding: every version and KEK version of the erased record goes; other records stay.
        cache.Set(new DataKeyCacheKey("erased", 1, "kek", "1"), NewKey());
        cache.Set(new DataKeyCacheKey("erased", 2, "kek", "2"), NewKey());
        var erased = cache.StoredMaterialForTests(new DataKeyCacheKey("erased", 2, "kek", "2"))!;
        Assert.Equal(2, cache.RemoveRecord("erased"));
        Assert.True(Payloads.IsAllZero(erased));
        Assert.Equal(1, cache.Count);

        var single = cache.StoredMaterialForTests(Key(1))!;
        Assert.True(cache.Remove(Key(1)));
        Assert.False(cache.Remove(Key(1)));
        Assert.True(Payloads.IsAllZero(single));

        cache.Set(Key(2), NewKey());
        cache.Set(Key(3), NewKey());
        var cleared = cache.StoredMaterialForTests(Key(2))!;
        cache.Clear();
        Assert.True(Payloads.IsAllZero(cleared));
        Assert.Equal(0, cache.Count);

        cache.Set(Key(4), NewKey());
        var disposed = cache.StoredMaterialForTests(Key(4))!;
        cache.Dispose();
        Assert.True(Payloads.IsAllZero(disposed));
        cache.Set(Key(5), NewKey()); // ignored after disposal
        Assert.False(cache.TryGet(Key(5), buffer));
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void Concurrent_use_keeps_the_bound_and_the_counters_consistent()
    {
        using var cache = new DataKeyCache(new DataKeyCacheOptions { MaxEntries = 50 });
        const int Operations = 20_000;
        var keys = Enumerable.Range(0, 200).Select(i => (Key: Key(i), Material: NewKey())).ToArray();

        Parallel.For(0, Operations, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
        {
            var (key, material) = keys[i * 7919 % keys.Length];
            Span<byte> buffer = stackalloc byte[EnvelopeFormat.DataKeySize];
            if (cache.TryGet(key, buffer))
            {
                Assert.True(buffer.SequenceEqual(material), "a reader got another entry's key");
            }
            else
            {
                cache.Set(key, material);
            }
        });

        var stats = cache.GetStatistics();
        Assert.True(stats.Count <= 50);
        Assert.Equal(Operations, stats.Hits + stats.Misses);
    }

    [Fact]
    public void Options_are_validated_and_have_the_documented_defaults()
    {
        var defaults = new DataKeyCacheOptions();
        Assert.Equal((10_000, TimeSpan.FromMinutes(5)), (defaults.MaxEntries, defaults.TimeToLive));
        Assert.Throws<ArgumentOutOfRangeException>(() => new DataKeyCache(new DataKeyCacheOptions { MaxEntries = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new DataKeyCache(new DataKeyCacheOptions { TimeToLive = TimeSpan.Zero }));
        using var cache = new DataKeyCache();
        Assert.Throws<ArgumentException>(() => cache.Set(Key(1), new byte[16]));
        Assert.Throws<ArgumentException>(() => cache.TryGet(Key(1), new byte[16]));
    }
}
