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
/// </remarks>
internal sealed class MemberConnectionFactory(HostResolver resolve, TimeSpan voteDeadline, ReplicaTls? tls = null) : IConnectionFactory
{
    internal static HostResolver SystemResolver { get; } = static (host, ct) => new ValueTask<IPAddress[]>(Dns.GetHostAddressesAsync(host, ct));

    public async ValueTask<ConnectionContext> ConnectAsync(EndPoint endpoint, CancellationToken cancellationToken = default)
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
                    return Watched(socket, new NetworkStream(socket, ownsSocket: true));
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
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
            deadline.CancelAfter(tls!.HandshakeTimeout);
            await stream.AuthenticateAsClientAsync(tls.ClientOptions(host), deadline.Token).ConfigureAwait(false);
            return Watched(socket, stream);
        }
        catch
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private StreamConnection Watched(Socket socket, Stream stream) =>
        new(socket, new ElectionAnswerDeadlineStream(stream, voteDeadline, socket.Dispose));
}
