using Microsoft.Extensions.Time.Testing;
using Platform.ServiceDefaults;
using Platform.Testing;
using StackExchange.Redis;

namespace Platform.BuildingBlocks.Tests.ServiceDefaults;

/// <summary>The deny-list of revoked access tokens (issue 17, finding 7): in memory and in a real Redis server.</summary>
public sealed class RevokedTokensTests
{
    [Fact]
    public async Task In_memory_a_token_stays_listed_until_its_expiry_plus_the_margin_and_an_expired_one_is_never_listed()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var list = new InMemoryRevokedTokens(clock);
        await list.AddAsync("token-a", clock.GetUtcNow().AddMinutes(5), CancellationToken.None);
        await list.AddAsync("token-old", clock.GetUtcNow().AddMinutes(-2), CancellationToken.None);

        Assert.True(await list.IsRevokedAsync("token-a", CancellationToken.None));
        Assert.False(await list.IsRevokedAsync("token-b", CancellationToken.None));
        Assert.False(await list.IsRevokedAsync("token-old", CancellationToken.None));
        // Validation still accepts a token for its 30 s clock skew after exp: the entry must outlive that.
        clock.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(30));
        Assert.True(await list.IsRevokedAsync("token-a", CancellationToken.None));
        clock.Advance(RevokedTokenCheck.ClockSkewMargin);
        Assert.False(await list.IsRevokedAsync("token-a", CancellationToken.None));
    }

    [Fact]
    public async Task In_redis_every_replica_sees_the_entry_and_it_expires_with_the_token()
    {
        await using var server = new RedisServer();
        await server.InitializeAsync();
        using var redis = await ConnectionMultiplexer.ConnectAsync(server.ConnectionString);
        using var otherReplica = await ConnectionMultiplexer.ConnectAsync(server.ConnectionString);
        var id = "token-" + Guid.NewGuid().ToString("N");

        await new RedisRevokedTokens(redis, TimeProvider.System).AddAsync(id, DateTimeOffset.UtcNow.AddMinutes(5), CancellationToken.None);
        await new RedisRevokedTokens(redis, TimeProvider.System).AddAsync(id + "-old", DateTimeOffset.UtcNow.AddMinutes(-2), CancellationToken.None);

        var replica = new RedisRevokedTokens(otherReplica, TimeProvider.System);
        Assert.True(await replica.IsRevokedAsync(id, CancellationToken.None));
        Assert.False(await replica.IsRevokedAsync(id + "-other", CancellationToken.None));
        Assert.False(await replica.IsRevokedAsync(id + "-old", CancellationToken.None));
        var ttl = await otherReplica.GetDatabase().KeyTimeToLiveAsync("platform:revoked-token:" + id);
        Assert.NotNull(ttl);
        Assert.InRange(ttl.Value, TimeSpan.FromMinutes(5.5), TimeSpan.FromMinutes(6));
    }
}
