using System.Collections.Concurrent;

namespace Platform.ServiceDefaults;

/// <summary>
/// The deny-list in this process (embedded host and tests). Every replica of a service must see every entry, and an
/// event reaches one replica of each service: deployments with more than one replica use <see cref="RedisRevokedTokens"/>;
/// the dev host shares one instance between all its services.
/// </summary>
public sealed class InMemoryRevokedTokens(TimeProvider time) : IRevokedTokens
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _entries = new(StringComparer.Ordinal);

    public ValueTask AddAsync(string tokenId, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        // Expired entries go as new ones come: the list never outgrows the tokens revoked within one token lifetime.
        foreach (var (id, kept) in _entries)
        {
            if (kept <= now)
            {
                _entries.TryRemove(id, out _);
            }
        }
        // Kept a little past the expiry: token validation accepts a token for its clock skew after exp.
        var until = expiresAt + RevokedTokenCheck.ClockSkewMargin;
        if (until > now)
        {
            _entries[tokenId] = until;
        }
        return ValueTask.CompletedTask;
    }

    public ValueTask<bool> IsRevokedAsync(string tokenId, CancellationToken cancellationToken) =>
        ValueTask.FromResult(_entries.TryGetValue(tokenId, out var until) && until > time.GetUtcNow());
}
