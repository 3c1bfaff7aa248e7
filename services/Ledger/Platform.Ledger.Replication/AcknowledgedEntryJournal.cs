using System.Buffers.Binary;
using System.IO.Hashing;

namespace Platform.Ledger.Replication;

/// <summary>
/// The entries a follower acknowledged to a leader, written before the acknowledgement, so they survive a restart.
/// </summary>
/// <remarks>
/// <para>
/// Used when <see cref="ReplicaOptions.FlushBeforeAcknowledging"/> is off (the dev host). DotNext 6.12's WAL then
/// reopens at its checkpoint, the last commit index it flushed: whatever a follower appended beyond it (entries it
/// acknowledged, so the leader may have counted them towards a majority and answered its client) is gone after the
/// process is killed. When a majority is killed at once (the dev host's replicas share one process), an entry committed
/// and applied on the old leader can then be missing from the new majority, whose leader writes other entries at its
/// index: the old leader keeps its applied version (DotNext skips committed indexes) and its state diverges for good,
/// so checkpoints stop reaching a majority of signatures.
/// </para>
/// <para>
/// Each append is one record: start index, entries (term, kind, bytes) and an XxHash64 of the record, written with
/// write() but not fsync: it survives the process being killed, not the machine losing power (that needs the flush the
/// option turned off). A record torn by a kill was never acknowledged (the append had not returned), so reading stops
/// at the first record that does not verify. After a restart <see cref="DurableWriteAheadLog"/> appends the entries
/// after the commit index again, uncommitted, as Raft expects of a follower that acknowledged them. The file is
/// rewritten without the entries the WAL holds durably once it grows past <see cref="CompactionThreshold"/>.
/// </para>
/// </remarks>
internal sealed class AcknowledgedEntryJournal : IDisposable
{
    internal const string FileName = "acknowledged.journal";
    internal const long CompactionThreshold = 4 * 1024 * 1024;

    private readonly string _path;
    private readonly bool _flushToDisk;
    private FileStream _file;

    public AcknowledgedEntryJournal(DirectoryInfo directory, bool flushToDisk)
    {
        _path = Path.Combine(directory.FullName, FileName);
        _flushToDisk = flushToDisk;
        _file = Open(_path);
    }

    /// <summary>Bytes in the journal file.</summary>
    public long Length => _file.Length;

    /// <summary>Records <paramref name="entries"/> as appended at <paramref name="startIndex"/> (replacing any from there on).</summary>
    public void Append(long startIndex, IReadOnlyList<JournaledEntry> entries)
    {
        // Written straight to the (buffered) file and hashed on the way: the entries' bytes are not copied again.
        var length = 12 + entries.Sum(e => 17 + e.Content.Length);
        Span<byte> header = stackalloc byte[17];
        BinaryPrimitives.WriteInt32LittleEndian(header, length);
        _file.Write(header[..4]);
        var hasher = new XxHash64();
        BinaryPrimitives.WriteInt64LittleEndian(header, startIndex);
        BinaryPrimitives.WriteInt32LittleEndian(header[8..], entries.Count);
        Write(hasher, header[..12]);
        foreach (var entry in entries)
        {
            BinaryPrimitives.WriteInt64LittleEndian(header, entry.Term);
            header[8] = (byte)((entry.IsConfiguration ? 1 : 0) | (entry.CommandId is null ? 0 : 2));
            BinaryPrimitives.WriteInt32LittleEndian(header[9..], entry.CommandId ?? 0);
            BinaryPrimitives.WriteInt32LittleEndian(header[13..], entry.Content.Length);
            Write(hasher, header);
            Write(hasher, entry.Content.Span);
        }

        Span<byte> hash = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(hash, hasher.GetCurrentHashAsUInt64());
        _file.Write(hash);
        _file.Flush(_flushToDisk);
    }

    private void Write(XxHash64 hasher, ReadOnlySpan<byte> bytes)
    {
        _file.Write(bytes);
        hasher.Append(bytes);
    }

    /// <summary>The entries recorded after <paramref name="afterIndex"/>, in index order, as the last appends left them.</summary>
    public IReadOnlyList<JournaledEntry> EntriesAfter(long afterIndex)
    {
        var log = new SortedDictionary<long, JournaledEntry>();
        foreach (var (startIndex, entries) in ReadRecords())
        {
            foreach (var stale in log.Keys.Where(k => k >= startIndex).ToList())
                log.Remove(stale);
            for (var i = 0; i < entries.Count; i++)
                log[startIndex + i] = entries[i];
        }

        var result = new List<JournaledEntry>();
        for (var index = afterIndex + 1; log.TryGetValue(index, out var entry); index++)
            result.Add(entry);
        return result;
    }

    /// <summary>Rewrites the journal with only the entries after <paramref name="durableThrough"/> (the WAL's flushed checkpoint).</summary>
    public void Compact(long durableThrough)
    {
        var kept = EntriesAfter(durableThrough);
        var temporary = _path + ".tmp";
        using (var rewritten = new AcknowledgedEntryJournal(temporary, _flushToDisk))
        {
            if (kept.Count > 0)
                rewritten.Append(durableThrough + 1, kept);
        }

        _file.Dispose();
        File.Move(temporary, _path, overwrite: true);
        _file = Open(_path);
    }

    public void Dispose() => _file.Dispose();

    private AcknowledgedEntryJournal(string path, bool flushToDisk)
    {
        _path = path;
        _flushToDisk = flushToDisk;
        File.Delete(path);
        _file = Open(path);
    }

    private static FileStream Open(string path)
    {
        var file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
        file.Seek(0, SeekOrigin.End);
        return file;
    }

    private List<(long StartIndex, List<JournaledEntry> Entries)> ReadRecords()
    {
        var records = new List<(long, List<JournaledEntry>)>();
        var bytes = File.ReadAllBytes(_path);
        var position = 0;
        while (position + 4 <= bytes.Length)
        {
            var length = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(position));
            if (length < 12 || position + 4 + length + 8 > bytes.Length)
                break; // torn by a kill: never acknowledged
            var payload = bytes.AsSpan(position + 4, length);
            if (XxHash64.HashToUInt64(payload) != BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(position + 4 + length)))
                break;
            records.Add(Parse(payload));
            position += 4 + length + 8;
        }

        return records;
    }

    private static (long, List<JournaledEntry>) Parse(ReadOnlySpan<byte> payload)
    {
        var startIndex = BinaryPrimitives.ReadInt64LittleEndian(payload);
        var count = BinaryPrimitives.ReadInt32LittleEndian(payload[8..]);
        var entries = new List<JournaledEntry>(count);
        var offset = 12;
        for (var i = 0; i < count; i++)
        {
            var term = BinaryPrimitives.ReadInt64LittleEndian(payload[offset..]);
            var flags = payload[offset + 8];
            var commandId = BinaryPrimitives.ReadInt32LittleEndian(payload[(offset + 9)..]);
            var length = BinaryPrimitives.ReadInt32LittleEndian(payload[(offset + 13)..]);
            offset += 17;
            entries.Add(new JournaledEntry
            {
                Term = term,
                IsConfiguration = (flags & 1) != 0,
                CommandId = (flags & 2) != 0 ? commandId : null,
                Content = payload.Slice(offset, length).ToArray(),
            });
            offset += length;
        }

        return (startIndex, entries);
    }
}
