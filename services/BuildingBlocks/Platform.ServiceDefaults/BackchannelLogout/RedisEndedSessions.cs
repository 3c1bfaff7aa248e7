using StackExchange.Redis;

namespace Platform.ServiceDefaults.BackchannelLogout;

/// <summary>
/// Ended sessions in Redis, shared by every replica of a service: the logout token reaches one replica, the browser's
/// next request may reach another. <c>sid</c> entries and token ids are <c>SET NX</c> keys with an expiry; a subject's
/// entry holds the time of its latest logout (sessions that began later are not affected).
/// </summary>
public sealed class RedisEndedSessions(IConnectionMultiplexer redis, string service, TimeProvider time) : IEndedSessions
{
    public async ValueTask<bool> TryUseTokenIdAsync(string clientId, string jti, DateTimeOffset keepUntil, CancellationToken cancellationToken)
    {
        var ttl = keepUntil - time.GetUtcNow();
        return await redis.GetDatabase().StringSetAsync(Key(clientId, "jti", jti), 1,
            ttl > TimeSpan.Zero ? ttl : TimeSpan.FromSeconds(1), When.NotExists).ConfigureAwait(false);
    }

    public async ValueTask EndAsync(string clientId, string? sid, string? subject, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var key = sid is not null ? Key(clientId, "sid", sid) : Key(clientId, "sub", subject!);
        await redis.GetDatabase().StringSetAsync(key, at.ToUnixTimeMilliseconds(), IEndedSessions.KeepFor).ConfigureAwait(false);
    }

    public async ValueTask<bool> HasEndedAsync(string clientId, string? sid, string? subject, DateTimeOffset? issuedAt, CancellationToken cancellationToken)
    {
        var db = redis.GetDatabase();
        if (sid is not null && await db.KeyExistsAsync(Key(clientId, "sid", sid)).ConfigureAwait(false))
        {
            return true;
        }
        if (subject is null)
        {
            return false;
        }
        var at = await db.StringGetAsync(Key(clientId, "sub", subject)).ConfigureAwait(false);
        return at.HasValue && (issuedAt is null || issuedAt.Value.ToUnixTimeMilliseconds() <= (long)at);
    }

    private string Key(string clientId, string kind, string value) => $"logout:{service}:{clientId}:{kind}:{value}";
}
