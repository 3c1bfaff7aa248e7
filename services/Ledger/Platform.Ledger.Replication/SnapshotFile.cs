using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Platform.Ledger.Replication;

/// <summary>
/// The frame around the state's own snapshot bytes (see README, "Snapshot file"):
/// <code>
/// offset  size  field
/// 0       4     magic "RSNP"
/// 4       1     version (1)
/// 5       8     Raft index of the last applied entry (int64, big-endian)
/// 13      8     Raft term of that entry (int64, big-endian)
/// 21      4     k: number of term starts (int32, big-endian)
/// 25      16k   term history: k × (first index of the term, term), int64 big-endian each (see TermHistory)
/// 25+16k  n     payload: ISnapshottableState.WriteSnapshotAsync's bytes
/// end-32  32    SHA-256 of every byte before it
/// </code>
/// </summary>
internal static class SnapshotFile
{
    internal const byte Version = 1;
    internal const int HeaderSize = 21;
    internal const int TrailerSize = 32;
    private static ReadOnlySpan<byte> Magic => "RSNP"u8;

    internal static byte[] Header(long index, long term)
    {
        var header = new byte[HeaderSize];
        Magic.CopyTo(header);
        header[4] = Version;
        BinaryPrimitives.WriteInt64BigEndian(header.AsSpan(5), index);
        BinaryPrimitives.WriteInt64BigEndian(header.AsSpan(13), term);
        return header;
    }

    /// <summary>
    /// Checks the frame and the hash of the whole file, then returns where the payload lies and the term history.
    /// The index and term in the frame must equal the ones DotNext names the file after (<c>{index}-{term}</c>).
    /// </summary>
    internal static async Task<Contents> VerifyAsync(FileInfo file, CancellationToken ct)
    {
        var length = file.Length;
        if (length < HeaderSize + 4 + TrailerSize)
            throw new SnapshotIntegrityException($"Snapshot {file.Name} is truncated ({length} bytes).");

        await using var stream = OpenRead(file);
        var header = new byte[HeaderSize];
        await stream.ReadExactlyAsync(header, ct).ConfigureAwait(false);
        if (!header.AsSpan(0, 4).SequenceEqual(Magic))
            throw new SnapshotIntegrityException($"Snapshot {file.Name} is not a replica snapshot file.");
        if (header[4] != Version)
            throw new SnapshotIntegrityException($"Snapshot {file.Name} has version {header[4]}; this replica reads version {Version}.");
        var index = BinaryPrimitives.ReadInt64BigEndian(header.AsSpan(5));
        var term = BinaryPrimitives.ReadInt64BigEndian(header.AsSpan(13));
        if (file.Name != $"{index}-{term}")
            throw new SnapshotIntegrityException($"Snapshot {file.Name} holds index {index}, term {term}.");

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(header);
        var count = new byte[4];
        await stream.ReadExactlyAsync(count, ct).ConfigureAwait(false);
        hash.AppendData(count);
        var starts = BinaryPrimitives.ReadInt32BigEndian(count);
        if (starts < 0 || HeaderSize + 4 + (16L * starts) + TrailerSize > length)
            throw new SnapshotIntegrityException($"Snapshot {file.Name} has a malformed term history.");
        var pairs = new byte[16 * starts];
        await stream.ReadExactlyAsync(pairs, ct).ConfigureAwait(false);
        hash.AppendData(pairs);
        var history = Enumerable.Range(0, starts)
            .Select(i => (BinaryPrimitives.ReadInt64BigEndian(pairs.AsSpan(16 * i)), BinaryPrimitives.ReadInt64BigEndian(pairs.AsSpan((16 * i) + 8))))
            .ToArray();

        var offset = HeaderSize + 4 + pairs.Length;
        var remaining = length - offset - TrailerSize;
        var payloadLength = remaining;
        var buffer = new byte[64 * 1024];
        while (remaining > 0)
        {
            var read = await stream.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, remaining)), ct).ConfigureAwait(false);
            if (read == 0)
                throw new SnapshotIntegrityException($"Snapshot {file.Name} is truncated.");
            hash.AppendData(buffer, 0, read);
            remaining -= read;
        }
        var expected = new byte[TrailerSize];
        await stream.ReadExactlyAsync(expected, ct).ConfigureAwait(false);
        if (!CryptographicOperations.FixedTimeEquals(hash.GetHashAndReset(), expected))
            throw new SnapshotIntegrityException($"Snapshot {file.Name} does not match its SHA-256.");
        return new Contents(index, term, history, offset, payloadLength);
    }

    /// <summary>What a verified snapshot file holds; the payload is read with <see cref="SnapshotPayloadStream"/>.</summary>
    internal sealed record Contents(long Index, long Term, IReadOnlyList<(long FirstIndex, long Term)> TermHistory, long PayloadOffset, long PayloadLength);

    internal static FileStream OpenRead(FileInfo file) => file.Open(new FileStreamOptions
    {
        Mode = FileMode.Open,
        Access = FileAccess.Read,
        Share = FileShare.Read,
        Options = FileOptions.SequentialScan,
        BufferSize = 64 * 1024,
    });
}
