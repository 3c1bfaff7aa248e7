using StackExchange.Redis;

namespace Platform.ServiceDefaults.Dpop;

/// <summary>Proof ids in Redis (<c>SET NX</c> with an expiry), so every replica of a service refuses a proof another one accepted.</summary>
public sealed class RedisDpopReplayCache(IConnectionMultiplexer redis, string service, TimeProvider time) : IDpopReplayCache
{
    public async Task<bool> TryAddAsync(string jti, DateTimeOffset keepUntil, CancellationToken cancellationToken)
    {
        var ttl = keepUntil - time.GetUtcNow();
        return await redis.GetDatabase().StringSetAsync($"dpop:jti:{service}:{jti}", 1,
            ttl > TimeSpan.Zero ? ttl : TimeSpan.FromSeconds(1), When.NotExists).ConfigureAwait(false);
    }
}
