using System.Collections.Concurrent;

namespace Platform.ServiceDefaults.BackchannelLogout;

/// <summary>
/// Ended sessions in this process: right for one replica (the dev host, tests). With more replicas a logout token
/// reaches one of them, so deployments set <c>ConnectionStrings:Redis</c> and get <see cref="RedisEndedSessions"/>.
/// </summary>
public sealed class InMemoryEndedSessions(TimeProvider time) : IEndedSessions
{
    private readonly ConcurrentDictionary<string, (DateTimeOffset At, DateTimeOffset Until)> _entries = new(StringComparer.Ordinal);

    public ValueTask<bool> TryUseTokenIdAsync(string clientId, string jti, DateTimeOffset keepUntil, CancellationToken cancellationToken)
    {
        DropExpired();
        return ValueTask.FromResult(_entries.TryAdd($"{clientId}|jti|{jti}", (time.GetUtcNow(), keepUntil)));
    }

    public ValueTask EndAsync(string clientId, string? sid, string? subject, DateTimeOffset at, CancellationToken cancellationToken)
    {
        DropExpired();
        var until = time.GetUtcNow() + IEndedSessions.KeepFor;
        var key = sid is not null ? $"{clientId}|sid|{sid}" : $"{clientId}|sub|{subject}";
        _entries.AddOrUpdate(key, (at, until), (_, existing) => (existing.At > at ? existing.At : at, until));
        return ValueTask.CompletedTask;
    }

    public ValueTask<bool> HasEndedAsync(string clientId, string? sid, string? subject, DateTimeOffset? issuedAt, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var ended = (sid is not null && _entries.TryGetValue($"{clientId}|sid|{sid}", out var bySid) && bySid.Until > now) ||
                    (subject is not null && _entries.TryGetValue($"{clientId}|sub|{subject}", out var bySub) && bySub.Until > now &&
                     (issuedAt is null || issuedAt <= bySub.At));
        return ValueTask.FromResult(ended);
    }

    private void DropExpired()
    {
        var now = time.GetUtcNow();
        foreach (var (key, entry) in _entries)
        {
            if (entry.Until <= now)
            {
                _entries.TryRemove(key, out _);
            }
        }
    }
}
