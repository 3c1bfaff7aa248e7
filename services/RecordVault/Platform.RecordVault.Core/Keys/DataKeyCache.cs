using System.Security.Cryptography;

namespace Platform.RecordVault.Core;

/// <summary>
/// Unwrapped data keys kept in memory so repeated reads do not call the HSM or Key Vault each time (their rate limits
/// would otherwise cap the vault's read rate). Bounded by count (least recently used evicted) and by time to live
/// (from insertion); every key leaving the cache, by eviction, expiry, removal, replacement or disposal, is zeroed.
/// </summary>
/// <remarks>
/// Keys are copied in and out, never lent: a reader's copy cannot be zeroed under it by a concurrent eviction, and the
/// caller zeroes its own copy. Stored keys live in pinned arrays so the garbage collector never leaves stale copies
/// behind when compacting. One lock guards everything; every operation is O(1) except the sweep and
/// <see cref="RemoveRecord"/>, which scan (at most <see cref="DataKeyCacheOptions.MaxEntries"/> entries).
/// After <see cref="Dispose"/> the cache is empty and stays empty: reads miss, writes are ignored.
/// </remarks>
public sealed class DataKeyCache : IDisposable
{
    private readonly Lock _lock = new();
    private readonly Dictionary<DataKeyCacheKey, LinkedListNode<Entry>> _entries = [];
    private readonly LinkedList<Entry> _recency = new(); // first = most recently used
    private readonly TimeProvider _time;
    private readonly ITimer _sweeper;
    private long _hits, _misses, _evictions, _expirations;
    private bool _disposed;

    public DataKeyCache(DataKeyCacheOptions? options = null, TimeProvider? timeProvider = null)
    {
        Options = options ?? new DataKeyCacheOptions();
        Options.Validate();
        _time = timeProvider ?? TimeProvider.System;
        _sweeper = _time.CreateTimer(static state => ((DataKeyCache)state!).RemoveExpired(), this,
            Options.SweepInterval, Options.SweepInterval);
    }

    public DataKeyCacheOptions Options { get; }

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>Copies the cached key into <paramref name="destination"/>; false (a miss) when absent or expired.</summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is not exactly one data key long.</exception>
    public bool TryGet(DataKeyCacheKey key, Span<byte> destination)
    {
        CheckLength(destination.Length, nameof(destination));
        lock (_lock)
        {
            if (_disposed || !_entries.TryGetValue(key, out var node))
            {
                _misses++;
                return false;
            }
            if (IsExpired(node.Value))
            {
                Drop(node);
                _expirations++;
                _misses++;
                return false;
            }
            _recency.Remove(node);
            _recency.AddFirst(node);
            node.Value.Material.CopyTo(destination);
            _hits++;
            return true;
        }
    }

    /// <summary>Stores a copy of <paramref name="dataKey"/> (the caller still zeroes its own), replacing any entry for
    /// <paramref name="key"/> and evicting the least recently used key when full.</summary>
    public void Set(DataKeyCacheKey key, ReadOnlySpan<byte> dataKey)
    {
        CheckLength(dataKey.Length, nameof(dataKey));
        ArgumentException.ThrowIfNullOrEmpty(key.RecordId, nameof(key));
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }
            if (_entries.TryGetValue(key, out var existing))
            {
                Drop(existing);
            }
            while (_entries.Count >= Options.MaxEntries && _recency.Last is { } oldest)
            {
                Drop(oldest);
                _evictions++;
            }
            var material = GC.AllocateUninitializedArray<byte>(EnvelopeFormat.DataKeySize, pinned: true);
            dataKey.CopyTo(material);
            _entries[key] = _recency.AddFirst(new Entry(key, material, _time.GetTimestamp()));
        }
    }

    /// <summary>Drops one key; true when it was there.</summary>
    public bool Remove(DataKeyCacheKey key)
    {
        lock (_lock)
        {
            if (!_entries.TryGetValue(key, out var node))
            {
                return false;
            }
            Drop(node);
            return true;
        }
    }

    /// <summary>Drops every key of a record (all versions, all KEK versions); call it when the record is erased.</summary>
    /// <returns>How many keys were dropped.</returns>
    public int RemoveRecord(string recordId)
    {
        ArgumentNullException.ThrowIfNull(recordId);
        return RemoveWhere(entry => string.Equals(entry.Key.RecordId, recordId, StringComparison.Ordinal), countAsExpired: false);
    }

    /// <summary>Drops and zeroes every expired key; runs every <see cref="DataKeyCacheOptions.SweepInterval"/>.</summary>
    /// <returns>How many keys were dropped.</returns>
    public int RemoveExpired() => RemoveWhere(IsExpired, countAsExpired: true);

    /// <summary>Drops and zeroes every key.</summary>
    public void Clear() => RemoveWhere(static _ => true, countAsExpired: false);

    public DataKeyCacheStatistics GetStatistics()
    {
        lock (_lock)
        {
            return new DataKeyCacheStatistics(_hits, _misses, _evictions, _expirations, _entries.Count);
        }
    }

    public void Dispose()
    {
        _sweeper.Dispose();
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
        }
        Clear();
    }

    /// <summary>The stored array itself, for tests that prove it is zeroed when the entry leaves.</summary>
    internal byte[]? StoredMaterialForTests(DataKeyCacheKey key)
    {
        lock (_lock)
        {
            return _entries.TryGetValue(key, out var node) ? node.Value.Material : null;
        }
    }

    private int RemoveWhere(Func<Entry, bool> predicate, bool countAsExpired)
    {
        lock (_lock)
        {
            var removed = 0;
            var node = _recency.First;
            while (node is not null)
            {
                var next = node.Next;
                if (predicate(node.Value))
                {
                    Drop(node);
                    removed++;
                }
                node = next;
            }
            if (countAsExpired)
            {
                _expirations += removed;
            }
            return removed;
        }
    }

    private bool IsExpired(Entry entry) => _time.GetElapsedTime(entry.InsertedAt) >= Options.TimeToLive;

    // Caller holds the lock.
    private void Drop(LinkedListNode<Entry> node)
    {
        _recency.Remove(node);
        _entries.Remove(node.Value.Key);
        CryptographicOperations.ZeroMemory(node.Value.Material);
    }

    private static void CheckLength(int length, string paramName)
    {
        if (length != EnvelopeFormat.DataKeySize)
        {
            throw new ArgumentException($"A data key is {EnvelopeFormat.DataKeySize} bytes.", paramName);
        }
    }

    private sealed record Entry(DataKeyCacheKey Key, byte[] Material, long InsertedAt);
}
