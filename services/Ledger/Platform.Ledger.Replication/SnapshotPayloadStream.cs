namespace Platform.Ledger.Replication;

/// <summary>Read-only view of the payload inside a snapshot file: the caller sees its own bytes and nothing of the frame.</summary>
internal sealed class SnapshotPayloadStream : Stream
{
    private readonly FileStream _file;
    private readonly long _end;

    internal SnapshotPayloadStream(FileInfo snapshot, long offset, long length)
    {
        _file = SnapshotFile.OpenRead(snapshot);
        _file.Position = offset;
        _end = offset + length;
        Length = length;
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length { get; }

    public override long Position
    {
        get => Length - (_end - _file.Position);
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer) => _file.Read(buffer[..Allowed(buffer.Length)]);

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        _file.ReadAsync(buffer[..Allowed(buffer.Length)], cancellationToken);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private int Allowed(int requested) => (int)Math.Min(requested, Math.Max(0, _end - _file.Position));

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            _file.Dispose();
        base.Dispose(disposing);
    }
}
