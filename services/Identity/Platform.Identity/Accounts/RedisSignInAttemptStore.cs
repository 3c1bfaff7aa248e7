using StackExchange.Redis;

namespace Platform.Identity.Accounts;

/// <summary>
/// The counts in Redis (deployed, several replicas): one hash per (account, source) with the failure count and the
/// last failure's time, expiring after the keep time, so every replica throttles the same pair the same way.
/// </summary>
public sealed class RedisSignInAttemptStore(IConnectionMultiplexer redis) : ISignInAttemptStore
{
    private const string Prefix = "identity:signin:";

    public async Task<SignInAttempts> GetAsync(string key, CancellationToken cancellationToken)
    {
        var values = await redis.GetDatabase().HashGetAsync(Prefix + key, ["failures", "last"]);
        return values[0].TryParse(out long failures) && values[1].TryParse(out long last)
            ? new SignInAttempts((int)failures, DateTimeOffset.FromUnixTimeMilliseconds(last))
            : default;
    }

    public async Task<SignInAttempts> RecordFailureAsync(string key, DateTimeOffset at, TimeSpan keepFor, CancellationToken cancellationToken)
    {
        var transaction = redis.GetDatabase().CreateTransaction();
        var failures = transaction.HashIncrementAsync(Prefix + key, "failures");
        _ = transaction.HashSetAsync(Prefix + key, "last", at.ToUnixTimeMilliseconds());
        _ = transaction.KeyExpireAsync(Prefix + key, keepFor);
        await transaction.ExecuteAsync();
        return new SignInAttempts((int)await failures, at);
    }

    public Task ForgetAsync(string key, CancellationToken cancellationToken) =>
        redis.GetDatabase().KeyDeleteAsync(Prefix + key);
}
