using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Platform.Identity.Oidc;

/// <summary>
/// Copies of OpenIddict entities (clients, scopes) shared by all requests for <see cref="OidcOptions.EntityCacheLifetime"/>,
/// keyed by how they were looked up. Any change made through this service's managers clears every entry of the kind:
/// changes are rare, and clearing all is what cannot miss an entry filed under a key that has since changed
/// (a renamed client id or scope). Answers derived from the entities (a scope set's audiences) are kept beside them,
/// for the same lifetime and dropped with them, so a request that needs only the answer copies no entity (issue 18).
/// </summary>
public sealed class SharedEntitySnapshots<TEntity>(IOptions<OidcOptions> options, TimeProvider time) where TEntity : class, new()
{
    /// <summary>Beyond this many derived answers all are dropped: their keys come from requests.</summary>
    internal const int MaxDerivedAnswers = 1024;

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DerivedEntry> _derived = new(StringComparer.Ordinal);
    private readonly TimeSpan _lifetime = options.Value.EntityCacheLifetime;
    private long _generation;

    public bool Enabled => _lifetime > TimeSpan.Zero;

    /// <summary>A fresh copy of the entity filed under the key, if one is there and not yet expired.</summary>
    public TEntity? Find(string key)
    {
        if (!_entries.TryGetValue(key, out var entry))
        {
            return null;
        }
        if (time.GetUtcNow() >= entry.Expires)
        {
            _entries.TryRemove(new KeyValuePair<string, Entry>(key, entry));
            return null;
        }
        return EntityCopy<TEntity>.Of(entry.Snapshot);
    }

    /// <summary>The generation to pass to <see cref="Keep"/> for an entity about to be read from the database.</summary>
    public long Generation => Interlocked.Read(ref _generation);

    /// <summary>
    /// Files a copy of an entity just read from the database, unless a change was made since the read began
    /// (<paramref name="readInGeneration"/>): the read may have returned the state before that change.
    /// </summary>
    public void Keep(string key, TEntity entity, long readInGeneration)
    {
        if (!Enabled)
        {
            return;
        }
        var entry = new Entry(EntityCopy<TEntity>.Of(entity), time.GetUtcNow() + _lifetime);
        _entries[key] = entry;
        if (Generation != readInGeneration)
        {
            _entries.TryRemove(new KeyValuePair<string, Entry>(key, entry));
        }
    }

    /// <summary>An answer derived from entities of this kind, filed under the key, if there and not yet expired.</summary>
    public bool TryFindDerived<TAnswer>(string key, out TAnswer answer)
    {
        if (_derived.TryGetValue(key, out var entry) && entry.Answer is TAnswer found)
        {
            if (time.GetUtcNow() < entry.Expires)
            {
                answer = found;
                return true;
            }
            _derived.TryRemove(new KeyValuePair<string, DerivedEntry>(key, entry));
        }
        answer = default!;
        return false;
    }

    /// <summary>
    /// Files an answer derived from entities read in <paramref name="readInGeneration"/>, unless a change was made
    /// since (as <see cref="Keep"/>).
    /// </summary>
    public void KeepDerived<TAnswer>(string key, TAnswer answer, long readInGeneration)
    {
        if (!Enabled)
        {
            return;
        }
        if (_derived.Count >= MaxDerivedAnswers)
        {
            _derived.Clear();
        }
        var entry = new DerivedEntry(answer, time.GetUtcNow() + _lifetime);
        _derived[key] = entry;
        if (Generation != readInGeneration)
        {
            _derived.TryRemove(new KeyValuePair<string, DerivedEntry>(key, entry));
        }
    }

    /// <summary>Drops every entry and derived answer: called for each change made through the managers.</summary>
    public void Clear()
    {
        Interlocked.Increment(ref _generation);
        _entries.Clear();
        _derived.Clear();
    }

    private sealed record Entry(TEntity Snapshot, DateTimeOffset Expires);

    private sealed record DerivedEntry(object? Answer, DateTimeOffset Expires);
}
