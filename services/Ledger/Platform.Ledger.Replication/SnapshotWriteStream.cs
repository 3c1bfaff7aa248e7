using System.Security.Cryptography;
using DotNext.IO;

namespace Platform.Ledger.Replication;

/// <summary>
/// The stream <see cref="ISnapshottableState.WriteSnapshotAsync"/> writes to: forwards to DotNext's snapshot file
/// writer and hashes what passes, so the frame's SHA-256 needs no second pass. Asynchronous writes only (the file
/// writer is asynchronous; blocking on it would hold a thread-pool thread per snapshot).
/// </summary>
internal sealed class SnapshotWriteStream(IAsyncBinaryWriter writer) : Stream
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private long _written;

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => _written;

    public override long Position
    {
        get => _written;
        set => throw new NotSupportedException();
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        _hash.AppendData(buffer.Span);
        await writer.WriteAsync(buffer, null, cancellationToken).ConfigureAwait(false);
        _written += buffer.Length;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <summary>Appends the SHA-256 of everything written so far (the frame's trailer).</summary>
    internal async ValueTask WriteTrailerAsync(CancellationToken ct) =>
        await writer.WriteAsync(_hash.GetHashAndReset(), null, ct).ConfigureAwait(false);

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public override void Flush() { }
    public override void Write(byte[] buffer, int offset, int count) =>
        throw new NotSupportedException("Snapshots are written asynchronously: use WriteAsync.");
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            _hash.Dispose();
        base.Dispose(disposing);
    }
}
