using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Features;

namespace Platform.Ledger.Replication;

/// <summary>
/// A Raft connection over a stream on a socket: DotNext reads and writes its pipes, which are the stream (the TLS
/// session after a successful mutual handshake, or the deadline-watched stream of an outgoing connection).
/// </summary>
internal sealed class StreamConnection : ConnectionContext
{
    private readonly Socket _socket;
    private readonly Stream _stream;
    private readonly CancellationTokenSource _closed = new();
    private int _disposed;

    internal StreamConnection(Socket socket, Stream stream)
    {
        _socket = socket;
        _stream = stream;
        Transport = new DuplexPipe(
            PipeReader.Create(stream, new StreamPipeReaderOptions(leaveOpen: true)),
            PipeWriter.Create(stream, new StreamPipeWriterOptions(leaveOpen: true)));
        ConnectionClosed = _closed.Token;
        LocalEndPoint = socket.LocalEndPoint;
        RemoteEndPoint = socket.RemoteEndPoint;
    }

    public override string ConnectionId { get; set; } = Guid.NewGuid().ToString("N");

    public override IFeatureCollection Features { get; } = new FeatureCollection();

    public override IDictionary<object, object?> Items { get; set; } = new Dictionary<object, object?>();

    public override IDuplexPipe Transport { get; set; }

    public override EndPoint? LocalEndPoint { get; set; }

    public override EndPoint? RemoteEndPoint { get; set; }

    /// <summary>The TLS trust's watch on this connection (<see cref="ReplicaTls.Watch"/>), ended when it closes.</summary>
    internal IDisposable? TrustWatch { get; set; }

    public override void Abort(ConnectionAbortedException abortReason)
    {
        TrustWatch?.Dispose();
        CancelClosed();
        _socket.Dispose();
    }

    public override async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        TrustWatch?.Dispose();
        CancelClosed();
        try
        {
            await _stream.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or SocketException)
        {
            // the peer is gone already
        }
        _socket.Dispose();
        _closed.Dispose();
    }

    private void CancelClosed()
    {
        try
        {
            _closed.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input => input;

        public PipeWriter Output => output;
    }
}
