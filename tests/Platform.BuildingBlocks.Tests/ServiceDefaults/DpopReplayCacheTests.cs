using Microsoft.Extensions.Time.Testing;
using Platform.ServiceDefaults.Dpop;
using Platform.Testing;
using StackExchange.Redis;

namespace Platform.BuildingBlocks.Tests.ServiceDefaults;

/// <summary>The DPoP proof-id replay cache (RFC 9449 §11.1): in memory, and in a real Redis server shared by replicas.</summary>
public sealed class DpopReplayCacheTests
{
    [Fact]
    public async Task In_memory_a_proof_id_is_accepted_once_until_it_expires()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var cache = new InMemoryDpopReplayCache(clock);

        Assert.True(await cache.TryAddAsync("jti-1", clock.GetUtcNow().AddMinutes(2), CancellationToken.None));
        Assert.False(await cache.TryAddAsync("jti-1", clock.GetUtcNow().AddMinutes(2), CancellationToken.None));
        Assert.True(await cache.TryAddAsync("jti-2", clock.GetUtcNow().AddMinutes(2), CancellationToken.None));
        clock.Advance(TimeSpan.FromMinutes(3));
        // Expired entries go: by then iat is outside the window, so the proof is refused for that reason instead.
        Assert.True(await cache.TryAddAsync("jti-1", clock.GetUtcNow().AddMinutes(2), CancellationToken.None));
    }

    [Fact]
    public async Task In_redis_a_proof_accepted_by_one_replica_is_a_replay_at_another_and_expires()
    {
        await using var server = new RedisServer();
        await server.InitializeAsync();
        using var first = await ConnectionMultiplexer.ConnectAsync(server.ConnectionString);
        using var second = await ConnectionMultiplexer.ConnectAsync(server.ConnectionString);
        var jti = Guid.NewGuid().ToString("N");

        Assert.True(await new RedisDpopReplayCache(first, "record-vault", TimeProvider.System).TryAddAsync(jti, DateTimeOffset.UtcNow.AddMinutes(2), CancellationToken.None));
        Assert.False(await new RedisDpopReplayCache(second, "record-vault", TimeProvider.System).TryAddAsync(jti, DateTimeOffset.UtcNow.AddMinutes(2), CancellationToken.None));
        // Each service keeps its own ids: the same proof id at another service is that service's first sight of it.
        Assert.True(await new RedisDpopReplayCache(second, "consent", TimeProvider.System).TryAddAsync(jti, DateTimeOffset.UtcNow.AddMinutes(2), CancellationToken.None));
        var ttl = await second.GetDatabase().KeyTimeToLiveAsync($"dpop:jti:record-vault:{jti}");
        Assert.NotNull(ttl);
        Assert.InRange(ttl.Value, TimeSpan.FromMinutes(1.5), TimeSpan.FromMinutes(2));
    }
}
