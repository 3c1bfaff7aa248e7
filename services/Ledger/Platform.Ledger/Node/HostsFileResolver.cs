using System.Net;
using System.Net.Sockets;

namespace Platform.Ledger.Node;

/// <summary>
/// Resolves replica names: first in <see cref="LedgerNodeOptions.HostsFile"/> when one is configured (hosts(5)
/// format: <c>address name...</c>, <c>#</c> comments), then through DNS. Called on every connection to a peer,
/// Raft and HTTP alike; the file is read each time, so a changed line moves a replica without restarting anyone,
/// just as a changed DNS record does.
/// </summary>
public sealed class HostsFileResolver(string? hostsFile)
{
    public async ValueTask<IPAddress[]> ResolveAsync(string host, CancellationToken ct)
    {
        if (hostsFile is not null && File.Exists(hostsFile))
        {
            var lines = await File.ReadAllLinesAsync(hostsFile, ct);
            var found = lines
                .Select(line => line.Split('#', 2)[0].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
                .Where(fields => fields.Length >= 2 && fields.Skip(1).Contains(host, StringComparer.OrdinalIgnoreCase))
                .Select(fields => IPAddress.TryParse(fields[0], out var address) ? address : null)
                .OfType<IPAddress>()
                .ToArray();
            if (found.Length > 0)
            {
                return found;
            }
        }
        return IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, ct);
    }

    /// <summary>A connect callback for <see cref="SocketsHttpHandler"/>, so HTTP calls to replicas (leader forwarding) resolve the same way.</summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        var addresses = await ResolveAsync(context.DnsEndPoint.Host, ct);
        Exception? last = null;
        foreach (var address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, context.DnsEndPoint.Port), ct);
                return new NetworkStream(socket, ownsSocket: true);
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
}
