using System.Buffers.Binary;

namespace Platform.Ledger.Replication;

/// <summary>
/// The first log index of every term this replica has applied, kept across snapshots so the term of an entry the log
/// no longer holds can still be told.
/// </summary>
/// <remarks>
/// Raft's consistency check asks a follower for the term of the entry before the ones it is sent. DotNext answers
/// with the snapshot's term for any index the snapshot covers, so a leader whose idea of a follower lags behind that
/// follower's snapshot (a lost acknowledgement) would be refused entry after entry, walking back one index per round
/// trip, and could end up sending a snapshot the follower must refuse as older than its commit index. With this
/// history the answer is the entry's real term, except for an election's empty no-op entry, which the state machine
/// never sees: it is taken for the previous term, a refusal that costs the leader one step back, never a false match.
/// </remarks>
internal sealed class TermHistory
{
    private readonly Lock _gate = new();
    private List<(long FirstIndex, long Term)> _starts = [];

    /// <summary>Notes that the entry at <paramref name="index"/> has <paramref name="term"/> (entries come in log order).</summary>
    internal void Record(long index, long term)
    {
        lock (_gate)
        {
            if (_starts.Count == 0 || _starts[^1].Term != term)
                _starts.Add((index, term));
        }
    }

    /// <summary>The term of the entry at <paramref name="index"/>; false when the history does not reach back that far.</summary>
    internal bool TryGetTerm(long index, out long term)
    {
        lock (_gate)
        {
            for (var i = _starts.Count - 1; i >= 0; i--)
            {
                if (_starts[i].FirstIndex <= index)
                {
                    term = _starts[i].Term;
                    return true;
                }
            }
        }

        term = 0;
        return false;
    }

    /// <summary>The history up to and including <paramref name="index"/>: int32 count, then (int64 first index, int64 term) pairs, big-endian.</summary>
    internal byte[] ToBytes(long index)
    {
        List<(long FirstIndex, long Term)> upTo;
        lock (_gate)
            upTo = _starts.Where(s => s.FirstIndex <= index).ToList();
        var bytes = new byte[4 + (16 * upTo.Count)];
        BinaryPrimitives.WriteInt32BigEndian(bytes, upTo.Count);
        for (var i = 0; i < upTo.Count; i++)
        {
            BinaryPrimitives.WriteInt64BigEndian(bytes.AsSpan(4 + (16 * i)), upTo[i].FirstIndex);
            BinaryPrimitives.WriteInt64BigEndian(bytes.AsSpan(12 + (16 * i)), upTo[i].Term);
        }
        return bytes;
    }

    /// <summary>Replaces the history with one read from a snapshot (whose state replaces everything applied here).</summary>
    internal void Replace(IEnumerable<(long FirstIndex, long Term)> history)
    {
        var sorted = history.OrderBy(s => s.FirstIndex).ToList();
        lock (_gate)
            _starts = sorted;
    }
}
