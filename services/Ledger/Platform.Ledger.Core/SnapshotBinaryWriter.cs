using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Platform.Ledger.Core;

/// <summary>
/// Big-endian primitives for the ledger snapshot (see README.md, "Snapshot"), gathered in a buffer and written to the
/// destination asynchronously in 64 KiB pieces (the replica's snapshot stream accepts asynchronous writes only).
/// </summary>
internal sealed class SnapshotBinaryWriter(Stream destination)
{
    private const int FlushThreshold = 64 * 1024;
    private readonly ArrayBufferWriter<byte> _buffer = new(FlushThreshold * 2);

    public void WriteByte(byte value)
    {
        _buffer.GetSpan(1)[0] = value;
        _buffer.Advance(1);
    }

    public void WriteInt32(int value)
    {
        BinaryPrimitives.WriteInt32BigEndian(_buffer.GetSpan(4), value);
        _buffer.Advance(4);
    }

    public void WriteInt64(long value)
    {
        BinaryPrimitives.WriteInt64BigEndian(_buffer.GetSpan(8), value);
        _buffer.Advance(8);
    }

    public void WriteBytes(ReadOnlySpan<byte> bytes) => _buffer.Write(bytes);

    public void WriteGuid(Guid value)
    {
        value.TryWriteBytes(_buffer.GetSpan(16), bigEndian: true, out _);
        _buffer.Advance(16);
    }

    /// <summary>uint32 byte length, then the UTF-8 bytes.</summary>
    public void WriteString(string value)
    {
        var length = Encoding.UTF8.GetByteCount(value);
        BinaryPrimitives.WriteUInt32BigEndian(_buffer.GetSpan(4), (uint)length);
        _buffer.Advance(4);
        Encoding.UTF8.GetBytes(value, _buffer.GetSpan(length));
        _buffer.Advance(length);
    }

    public ValueTask FlushIfFullAsync(CancellationToken ct) =>
        _buffer.WrittenCount >= FlushThreshold ? FlushAsync(ct) : ValueTask.CompletedTask;

    public async ValueTask FlushAsync(CancellationToken ct)
    {
        if (_buffer.WrittenCount == 0)
        {
            return;
        }
        await destination.WriteAsync(_buffer.WrittenMemory, ct).ConfigureAwait(false);
        _buffer.ResetWrittenCount();
    }
}
