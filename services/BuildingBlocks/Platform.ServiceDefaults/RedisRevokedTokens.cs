using StackExchange.Redis;

namespace Platform.ServiceDefaults;

/// <summary>
/// The deny-list in Redis (deployed): one key per revoked token, expiring with the token, read by every replica of
/// every service whichever replica handled the event. Unreachable Redis fails the request (an exception, 5xx) rather
/// than admitting a token that may be revoked.
/// </summary>
public sealed class RedisRevokedTokens(IConnectionMultiplexer redis, TimeProvider time) : IRevokedTokens
{
    private const string Prefix = "platform:revoked-token:";

    public async ValueTask AddAsync(string tokenId, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        // Kept a little past the expiry: token validation accepts a token for its clock skew after exp.
        var ttl = expiresAt - time.GetUtcNow() + RevokedTokenCheck.ClockSkewMargin;
        if (ttl > TimeSpan.Zero)
        {
            await redis.GetDatabase().StringSetAsync(Prefix + tokenId, "1", ttl);
        }
    }

    public async ValueTask<bool> IsRevokedAsync(string tokenId, CancellationToken cancellationToken) =>
        await redis.GetDatabase().KeyExistsAsync(Prefix + tokenId);
}
