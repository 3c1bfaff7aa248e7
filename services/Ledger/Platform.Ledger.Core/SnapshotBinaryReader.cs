using System.Buffers.Binary;
using System.Text;

namespace Platform.Ledger.Core;

/// <summary>Reads what <see cref="SnapshotBinaryWriter"/> wrote; anything out of shape is an <see cref="InvalidDataException"/>.</summary>
internal sealed class SnapshotBinaryReader(Stream source)
{
    // A signed event is at most the replica's command size (1 MiB by default); keys and names are far smaller.
    private const int MaxStringBytes = 16 * 1024 * 1024;
    private readonly byte[] _scratch = new byte[16];

    public byte ReadByte()
    {
        Fill(1);
        return _scratch[0];
    }

    public int ReadInt32()
    {
        Fill(4);
        return BinaryPrimitives.ReadInt32BigEndian(_scratch);
    }

    public long ReadInt64()
    {
        Fill(8);
        return BinaryPrimitives.ReadInt64BigEndian(_scratch);
    }

    public Guid ReadGuid()
    {
        Fill(16);
        return new Guid(_scratch.AsSpan(0, 16), bigEndian: true);
    }

    public byte[] ReadBytes(int count)
    {
        var bytes = new byte[count];
        try
        {
            source.ReadExactly(bytes);
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException("A ledger snapshot ends early.", e);
        }
        return bytes;
    }

    /// <summary>A string's UTF-8 bytes as written (uint32 length first).</summary>
    public byte[] ReadUtf8()
    {
        Fill(4);
        var length = BinaryPrimitives.ReadUInt32BigEndian(_scratch);
        if (length > MaxStringBytes)
        {
            throw new InvalidDataException($"A string of {length} bytes in a ledger snapshot is out of range.");
        }
        return ReadBytes((int)length);
    }

    public string ReadString() => Encoding.UTF8.GetString(ReadUtf8());

    /// <summary>A non-negative count no larger than <paramref name="max"/>.</summary>
    public int ReadCount(int max)
    {
        var count = ReadInt32();
        return count >= 0 && count <= max ? count : throw new InvalidDataException($"A count of {count} in a ledger snapshot is out of range.");
    }

    /// <summary>Fails unless the source is exhausted: trailing bytes mean the snapshot is not what this reader thinks.</summary>
    public void ExpectEnd()
    {
        if (source.Read(_scratch, 0, 1) != 0)
        {
            throw new InvalidDataException("A ledger snapshot has bytes after its end.");
        }
    }

    private void Fill(int count)
    {
        try
        {
            source.ReadExactly(_scratch, 0, count);
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException("A ledger snapshot ends early.", e);
        }
    }
}
