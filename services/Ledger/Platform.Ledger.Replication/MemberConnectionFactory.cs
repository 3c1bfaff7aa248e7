using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;

namespace Platform.Ledger.Replication;

/// <summary>
/// Opens the TCP connections from this replica to its peers, resolving a named member afresh on every connection.
/// </summary>
/// <remarks>
/// DotNext connects again whenever a connection breaks, so resolving here means a peer that came back under the
/// same name with a new address (a recreated pod) is found on the next heartbeat, without restarting anyone.
/// DotNext's own TCP client would resolve a <see cref="DnsEndPoint"/> through the system resolver only; this
/// factory takes the resolver from <see cref="ReplicaOptions.ResolveHost"/>, so a host can also name its members
/// without DNS (the dev host and the fault tests map names to loopback addresses). The bytes on the wire are
/// DotNext's Raft protocol over Kestrel's socket transport, the pairing DotNext's own tests use; with
/// <see cref="ReplicaTls"/> it is the same protocol inside a mutually authenticated TLS 1.3 session, and the peer
/// must present a certificate for the name (or address) dialled, issued by the configured authorities.
/// Every connection's stream is an <see cref="ElectionAnswerDeadlineStream"/>: a vote not answered within
/// <paramref name="voteDeadline"/> aborts the connection, so a partitioned member cannot hold up an election.
/// <para>
/// Dialling is decoupled from the caller's wait. DotNext gives up waiting for a connection after its connect timeout
/// (the lower election timeout: a vote to an unreachable member must fail before any candidate's election timeout),
/// but a TLS handshake on a busy node can take longer than that. So the dial goes on in the background, bounded by
/// <see cref="DialTimeout"/>, and a connection that arrives after its caller gave up is kept for the next request to
/// that member (the next heartbeat), instead of being thrown away and dialled again, and again too late. At most one
/// dial per member is in flight.
/// </para>
/// </remarks>
internal sealed class MemberConnectionFactory(HostResolver resolve, TimeSpan voteDeadline, ReplicaTls? tls = null) : IConnectionFactory, IDisposable
{
    private readonly ConcurrentDictionary<EndPoint, Task<ConnectionContext>> _dials = new();

    internal static HostResolver SystemResolver { get; } = static (host, ct) => new ValueTask<IPAddress[]>(Dns.GetHostAddressesAsync(host, ct));

    /// <summary>How long one dial (resolution, TCP connect and TLS handshake) may take in the background.</summary>
    private TimeSpan DialTimeout => tls?.HandshakeTimeout ?? TimeSpan.FromSeconds(5);

    public async ValueTask<ConnectionContext> ConnectAsync(EndPoint endpoint, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            var dial = _dials.GetOrAdd(endpoint, StartDial);
            if (dial.IsFaulted || dial.IsCanceled)
            {
                // An earlier caller's failed dial, nobody waited for it: this request dials afresh.
                _dials.TryRemove(KeyValuePair.Create(endpoint, dial));
                continue;
            }

            try
            {
                var connection = await dial.WaitAsync(cancellationToken).ConfigureAwait(false);

                // Whoever removes the finished dial owns its connection; a loser dials (or waits) again.
                if (_dials.TryRemove(KeyValuePair.Create(endpoint, dial)))
                    return connection;
            }
            catch when (!cancellationToken.IsCancellationRequested)
            {
                _dials.TryRemove(KeyValuePair.Create(endpoint, dial));
                throw;
            }
        }
    }

    private Task<ConnectionContext> StartDial(EndPoint endpoint) => Task.Run(async () =>
    {
        using var deadline = new CancellationTokenSource(DialTimeout);
        return await DialAsync(endpoint, deadline.Token).ConfigureAwait(false);
    });

    private async Task<ConnectionContext> DialAsync(EndPoint endpoint, CancellationToken cancellationToken)
    {
        IPEndPoint[] targets = endpoint switch
        {
            IPEndPoint ip => [ip],
            DnsEndPoint dns => [.. (await resolve(dns.Host, cancellationToken).ConfigureAwait(false)).Select(a => new IPEndPoint(a, dns.Port))],
            _ => throw new NotSupportedException($"Cannot connect to a {endpoint.GetType().Name}."),
        };

        Exception? last = null;
        foreach (var target in targets)
        {
            var socket = new Socket(target.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(target, cancellationToken).ConfigureAwait(false);
                if (tls is null)
                    return Watched(socket, new NetworkStream(socket, ownsSocket: true), exemptFirstRequest: false);
                return await AuthenticateAsync(socket, endpoint, cancellationToken).ConfigureAwait(false);
            }
            catch (SocketException e)
            {
                socket.Dispose();
                last = e;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        throw last ?? new SocketException((int)SocketError.HostNotFound);
    }

    // A failed handshake (an untrusted or misnamed peer) is not a SocketException: it ends this attempt, it is not a
    // reason to try the name's next address.
    private async Task<ConnectionContext> AuthenticateAsync(Socket socket, EndPoint endpoint, CancellationToken ct)
    {
        var host = endpoint switch
        {
            DnsEndPoint dns => dns.Host,
            IPEndPoint ip => ip.Address.ToString(),
            _ => throw new NotSupportedException(),
        };
        var stream = new SslStream(new NetworkStream(socket, ownsSocket: true), leaveInnerStreamOpen: false);
        try
        {
            await stream.AuthenticateAsClientAsync(tls!.ClientOptions(host), ct).ConfigureAwait(false);
            var connection = Watched(socket, stream, exemptFirstRequest: true);
            connection.TrustWatch = tls.Watch(stream, peerIsClient: false,
                () => connection.Abort(new ConnectionAbortedException("The peer's certificate is no longer trusted.")));
            return connection;
        }
        catch
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Closes connections that were dialled but never claimed.</summary>
    public void Dispose()
    {
        foreach (var (endpoint, dial) in _dials)
        {
            if (_dials.TryRemove(KeyValuePair.Create(endpoint, dial)) && dial.IsCompletedSuccessfully)
                dial.Result.Abort();
        }
    }

    private StreamConnection Watched(Socket socket, Stream stream, bool exemptFirstRequest) =>
        new(socket, new ElectionAnswerDeadlineStream(stream, voteDeadline, socket.Dispose, exemptFirstRequest));
}
