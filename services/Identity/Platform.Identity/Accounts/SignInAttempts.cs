using System.Collections.Concurrent;

namespace Platform.Identity.Accounts;

/// <summary>The failures counted against one (account, source) pair, and when the last one happened.</summary>
public readonly record struct SignInAttempts(int Failures, DateTimeOffset LastFailure);

/// <summary>Where <see cref="SignInThrottle"/> keeps its counts: in memory, or in Redis when Redis is configured.</summary>
public interface ISignInAttemptStore
{
    Task<SignInAttempts> GetAsync(string key, CancellationToken cancellationToken);

    Task<SignInAttempts> RecordFailureAsync(string key, DateTimeOffset at, TimeSpan keepFor, CancellationToken cancellationToken);

    Task ForgetAsync(string key, CancellationToken cancellationToken);
}

/// <summary>One process's counts (the dev host, a single replica). Entries older than their keep time are dropped as met.</summary>
public sealed class InMemorySignInAttemptStore(TimeProvider time) : ISignInAttemptStore
{
    private readonly ConcurrentDictionary<string, (SignInAttempts Attempts, DateTimeOffset ExpiresAt)> _entries = new(StringComparer.Ordinal);

    public Task<SignInAttempts> GetAsync(string key, CancellationToken cancellationToken)
    {
        if (_entries.TryGetValue(key, out var entry) && entry.ExpiresAt > time.GetUtcNow())
        {
            return Task.FromResult(entry.Attempts);
        }
        _entries.TryRemove(key, out _);
        return Task.FromResult(default(SignInAttempts));
    }

    public Task<SignInAttempts> RecordFailureAsync(string key, DateTimeOffset at, TimeSpan keepFor, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var updated = _entries.AddOrUpdate(key,
            _ => (new SignInAttempts(1, at), at + keepFor),
            (_, old) => (new SignInAttempts(old.ExpiresAt > now ? old.Attempts.Failures + 1 : 1, at), at + keepFor));
        PruneSometimes(now);
        return Task.FromResult(updated.Attempts);
    }

    public Task ForgetAsync(string key, CancellationToken cancellationToken)
    {
        _entries.TryRemove(key, out _);
        return Task.CompletedTask;
    }

    // Keys are per (account, source), so a spray of made-up addresses must not grow the table for ever.
    private void PruneSometimes(DateTimeOffset now)
    {
        if (_entries.Count < 10_000)
        {
            return;
        }
        foreach (var (key, entry) in _entries)
        {
            if (entry.ExpiresAt <= now)
            {
                _entries.TryRemove(key, out _);
            }
        }
    }
}
