using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Threading.Channels;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;

namespace Platform.Ledger.Replication;

/// <summary>
/// The Raft listener with mutual TLS: accepts TCP connections and hands DotNext only those whose peer completed the
/// handshake with a certificate from the configured authorities. Plaintext or untrusted peers are dropped.
/// </summary>
/// <remarks>
/// Every connection handed over is bound to its certificate: a request speaking for a replica the certificate does not
/// name aborts it (<see cref="SenderBindingPipe"/>, <see cref="SenderBinding"/>), so a member holding a valid
/// certificate for its own replica cannot pass itself off as another in DotNext's protocol.
/// Handshakes run concurrently, off the accept loop, each bounded by <see cref="ReplicaTls.HandshakeTimeout"/>: a
/// client that connects and says nothing cannot hold back the real peers (DotNext accepts one connection at a time).
/// </remarks>
/// <param name="knownEndPoints">The replicas this replica knows, by endpoint: the senders a connection is checked against.</param>
internal sealed partial class TlsConnectionListenerFactory(ReplicaTls tls, ILogger logger, Func<IEnumerable<EndPoint>> knownEndPoints) : IConnectionListenerFactory
{
    private long _refused;
    private long _refusedSenders;

    private readonly Func<IEnumerable<EndPoint>> _knownEndPoints = knownEndPoints;

    private ReplicaTls Tls => tls;

    /// <summary>Connections dropped because the peer failed the handshake (plaintext, wrong CA, no certificate, timeout).</summary>
    internal long Refused => Interlocked.Read(ref _refused);

    /// <summary>Connections aborted because a request on them spoke for a replica their certificate does not name.</summary>
    internal long RefusedSenders => Interlocked.Read(ref _refusedSenders);

    public ValueTask<IConnectionListener> BindAsync(EndPoint endpoint, CancellationToken cancellationToken = default)
    {
        if (endpoint is not IPEndPoint address)
            throw new NotSupportedException($"The Raft listener binds an address, not a {endpoint.GetType().Name}.");
        var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (address.Address.Equals(IPAddress.IPv6Any))
                socket.DualMode = true;
            socket.Bind(address);
            socket.Listen(512);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        return ValueTask.FromResult<IConnectionListener>(new Listener(this, socket));
    }

    private void OnRefused(EndPoint? peer, Exception e, string? certificateRefusal)
    {
        Interlocked.Increment(ref _refused);
        // The certificate's own reason (untrusted CA, a name of another institution) says more than SslStream's.
        LogRefused(logger, peer, e.GetType().Name, certificateRefusal is null ? e.Message : "the client certificate was refused: " + certificateRefusal);
    }

    private void OnSenderRefused(EndPoint? peer, string subject, string reason)
    {
        Interlocked.Increment(ref _refusedSenders);
        ReplicationTelemetry.SenderRefused();
        LogSenderRefused(logger, peer, subject, reason);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Raft connection from {Peer} closed: the peer presenting the certificate {Subject} {Reason}.")]
    private static partial void LogSenderRefused(ILogger logger, EndPoint? peer, string subject, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Raft connection from {Peer} refused: the TLS handshake failed ({ErrorType}: {Reason}).")]
    private static partial void LogRefused(ILogger logger, EndPoint? peer, string errorType, string reason);

    private sealed class Listener : IConnectionListener
    {
        private readonly TlsConnectionListenerFactory _owner;
        private readonly Socket _socket;
        private readonly Channel<ConnectionContext> _authenticated = Channel.CreateUnbounded<ConnectionContext>();
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _accepting;

        internal Listener(TlsConnectionListenerFactory owner, Socket socket)
        {
            _owner = owner;
            _socket = socket;
            EndPoint = socket.LocalEndPoint!;
            _accepting = AcceptLoopAsync();
        }

        public EndPoint EndPoint { get; }

        public async ValueTask<ConnectionContext?> AcceptAsync(CancellationToken cancellationToken = default)
        {
            try
            {
                return await _authenticated.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (ChannelClosedException)
            {
                return null;
            }
        }

        public async ValueTask UnbindAsync(CancellationToken cancellationToken = default)
        {
            await _stop.CancelAsync().ConfigureAwait(false);
            _socket.Dispose();
            await _accepting.ConfigureAwait(false);
        }

        public async ValueTask DisposeAsync()
        {
            await UnbindAsync().ConfigureAwait(false);
            while (_authenticated.Reader.TryRead(out var pending))
                await pending.DisposeAsync().ConfigureAwait(false);
            _stop.Dispose();
        }

        private async Task AcceptLoopAsync()
        {
            try
            {
                while (!_stop.IsCancellationRequested)
                {
                    var peer = await _socket.AcceptAsync(_stop.Token).ConfigureAwait(false);
                    peer.NoDelay = true;
                    _ = HandshakeAsync(peer);
                }
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                // stopped
            }
            finally
            {
                _authenticated.Writer.TryComplete();
            }
        }

        private async Task HandshakeAsync(Socket peer)
        {
            var remote = peer.RemoteEndPoint;
            var stream = new SslStream(new NetworkStream(peer, ownsSocket: true), leaveInnerStreamOpen: false);
            var refusal = new System.Runtime.CompilerServices.StrongBox<string?>();
            try
            {
                using var deadline = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                deadline.CancelAfter(_owner.Tls.HandshakeTimeout);
                await stream.AuthenticateAsServerAsync(_owner.Tls.ServerOptions(refusal), deadline.Token).ConfigureAwait(false);
                var connection = new StreamConnection(peer, stream);
                if (stream.RemoteCertificate is { } presented)
                {
                    var binding = new SenderBinding(new X509Certificate2(presented), _owner._knownEndPoints);
                    connection.Transport = new SenderBindingPipe(connection.Transport, binding.Refusal, reason =>
                    {
                        _owner.OnSenderRefused(remote, binding.Subject, reason);
                        connection.Abort(new ConnectionAbortedException("A Raft request spoke for another replica."));
                    });
                }
                connection.TrustWatch = _owner.Tls.Watch(stream, peerIsClient: true,
                    () => connection.Abort(new ConnectionAbortedException("The peer's certificate is no longer trusted.")));
                if (!_authenticated.Writer.TryWrite(connection))
                    await connection.DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception e)
            {
                await stream.DisposeAsync().ConfigureAwait(false);
                if (!_stop.IsCancellationRequested)
                    _owner.OnRefused(remote, e, refusal.Value);
            }
        }
    }
}
