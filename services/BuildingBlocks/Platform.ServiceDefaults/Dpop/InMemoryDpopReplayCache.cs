using System.Collections.Concurrent;

namespace Platform.ServiceDefaults.Dpop;

/// <summary>One process's proof ids (the embedded host and services without Redis); expired ids are swept as new ones arrive.</summary>
public sealed class InMemoryDpopReplayCache(TimeProvider time) : IDpopReplayCache
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _seen = new(StringComparer.Ordinal);
    private long _nextSweep;

    public Task<bool> TryAddAsync(string jti, DateTimeOffset keepUntil, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (now.UtcTicks > Interlocked.Read(ref _nextSweep))
        {
            Interlocked.Exchange(ref _nextSweep, (now + TimeSpan.FromSeconds(30)).UtcTicks);
            foreach (var (id, until) in _seen)
            {
                if (until < now)
                {
                    _seen.TryRemove(id, out _);
                }
            }
        }
        if (_seen.TryGetValue(jti, out var existing) && existing < now)
        {
            _seen.TryRemove(jti, out _);
        }
        return Task.FromResult(_seen.TryAdd(jti, keepUntil));
    }
}
