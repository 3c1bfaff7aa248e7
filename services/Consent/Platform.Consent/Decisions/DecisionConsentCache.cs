using System.Collections.Concurrent;
using Platform.Consent.Core;

namespace Platform.Consent.Decisions;

/// <summary>
/// The consents last read for a (patient, grantee) pair, used only while nothing has been committed to the consent
/// database since they were read (issue 18: the read was about a third of a decision's cost over HTTP).
/// <para>
/// Every entry carries the epoch current before its read began; <see cref="Invalidate"/> starts a new epoch, and an
/// entry of an older one is never used. <see cref="ConsentReaderPool"/> invalidates whenever the reader a decision
/// runs on reports a commit by any other connection since it last asked (SQLite's <c>PRAGMA data_version</c>, which
/// sees this process's writes and any other's). So for a revoke that has returned, the first decision after it on
/// each reader invalidates, or an earlier one on that reader already did after the commit: either way, no entry read
/// before the revoke survives into a decision that starts after it. Consents are kept, not decisions, so validity
/// windows are still judged at each decision's own time.
/// </para>
/// <para>
/// Bounded by two generations of at most half <see cref="Capacity"/> each: when the newer one fills it becomes the
/// older, the older is dropped, and an entry found in the older is carried into the newer, so the pairs in use stay.
/// </para>
/// </summary>
public sealed class DecisionConsentCache
{
    private readonly int _generationSize;
    private readonly Lock _swap = new();
    private ConcurrentDictionary<(string Subject, string Grantee), Entry> _newer = new();
    private ConcurrentDictionary<(string Subject, string Grantee), Entry> _older = new();
    private int _newerCount;
    private long _epoch;

    public DecisionConsentCache(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        Capacity = capacity;
        _generationSize = Math.Max(1, capacity / 2);
    }

    /// <summary>Most pairs kept; 0 keeps none (every decision reads the database).</summary>
    public int Capacity { get; }

    public bool Enabled => Capacity > 0;

    /// <summary>The epoch to tag a read with: take it before the read begins.</summary>
    public long Epoch => Volatile.Read(ref _epoch);

    /// <summary>Something may have been committed: nothing read before now is used again.</summary>
    public void Invalidate()
    {
        lock (_swap)
        {
            Interlocked.Increment(ref _epoch);
            if (!_newer.IsEmpty || !_older.IsEmpty)
            {
                _newer = new();
                _older = new();
                _newerCount = 0;
            }
        }
    }

    public bool TryGet(string subject, string grantee, long epoch, out PatientConsent[] consents)
    {
        var key = (subject, grantee);
        if (_newer.TryGetValue(key, out var entry) && entry.Epoch == epoch)
        {
            consents = entry.Consents;
            return true;
        }
        if (_older.TryGetValue(key, out entry) && entry.Epoch == epoch)
        {
            Keep(key, entry);
            consents = entry.Consents;
            return true;
        }
        consents = [];
        return false;
    }

    /// <summary>Keeps what a read tagged with <paramref name="epoch"/> found; nothing if the epoch has moved on since.</summary>
    public void Add(string subject, string grantee, long epoch, PatientConsent[] consents)
    {
        if (Enabled && epoch == Epoch)
        {
            Keep((subject, grantee), new Entry(epoch, consents));
        }
    }

    private void Keep((string, string) key, Entry entry)
    {
        var newer = _newer;
        if (!newer.TryAdd(key, entry))
        {
            newer[key] = entry;
            return;
        }
        if (Interlocked.Increment(ref _newerCount) < _generationSize)
        {
            return;
        }
        lock (_swap)
        {
            if (ReferenceEquals(newer, _newer) && _newerCount >= _generationSize)
            {
                _older = _newer;
                _newer = new();
                _newerCount = 0;
            }
        }
    }

    private sealed record Entry(long Epoch, PatientConsent[] Consents);
}
