using System.Globalization;
using System.Net;

namespace Platform.Ledger.Replication;

/// <summary>Reads and writes member endpoints as <c>host:port</c>: an address literal is an address, anything else a name.</summary>
public static class RaftEndPoints
{
    /// <summary>
    /// Parses <c>host:port</c> (<c>[v6]:port</c> for IPv6). A name is lower-cased: DNS names are case-insensitive, but
    /// a member's identity is compared exactly, and every replica must spell every member the same way.
    /// </summary>
    public static EndPoint Parse(string value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value);
        var separator = value.LastIndexOf(':');
        if (separator <= 0 || !int.TryParse(value.AsSpan(separator + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is 0 or > IPEndPoint.MaxPort)
            throw new FormatException($"Raft endpoint '{value}' is not host:port.");
        var host = value[..separator];
        if (host.StartsWith('[') && host.EndsWith(']'))
            host = host[1..^1];
        if (IPAddress.TryParse(host, out var address))
            return new IPEndPoint(address, port);
        if (Uri.CheckHostName(host) != UriHostNameType.Dns)
            throw new FormatException($"Raft endpoint '{value}' has no valid host name.");
        return new DnsEndPoint(host.ToLowerInvariant(), port);
    }

    /// <summary><c>host:port</c> for a name (DnsEndPoint's own ToString prefixes the address family), the usual form for an address.</summary>
    public static string Format(EndPoint endpoint) => endpoint switch
    {
        DnsEndPoint dns => string.Create(CultureInfo.InvariantCulture, $"{dns.Host}:{dns.Port}"),
        _ => endpoint.ToString() ?? "",
    };
}
