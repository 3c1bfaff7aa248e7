using System.Globalization;
using System.Text.Json.Serialization;

namespace Platform.Ledger.Verification;

/// <summary>
/// Where a member's replica is reached: its Raft endpoint (<c>host:port</c>, the name its TLS certificate carries)
/// and its API. Part of a member in the consortium configuration, so that admitting an institution tells every
/// replica where the newcomer's replicas are, without editing anyone's <c>Ledger:Replicas</c>.
/// </summary>
public sealed record ReplicaAddress(
    [property: JsonPropertyName("replica")] string Replica,
    [property: JsonPropertyName("raftEndPoint")] string RaftEndPoint,
    [property: JsonPropertyName("apiUrl")] Uri? ApiUrl = null)
{
    /// <summary>The host part of <see cref="RaftEndPoint"/> (brackets of an IPv6 literal removed), or null when it is not <c>host:port</c>.</summary>
    [JsonIgnore]
    public string? Host
    {
        get
        {
            var separator = RaftEndPoint?.LastIndexOf(':') ?? -1;
            if (separator <= 0 || !int.TryParse(RaftEndPoint.AsSpan(separator + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is 0 or > 65535)
                return null;
            var host = RaftEndPoint![..separator];
            if (host.StartsWith('[') && host.EndsWith(']'))
                host = host[1..^1];
            return Uri.CheckHostName(host) is UriHostNameType.Dns or UriHostNameType.IPv4 or UriHostNameType.IPv6 ? host.ToLowerInvariant() : null;
        }
    }

    internal string? Problem(ConsortiumMember member)
    {
        if (!member.Replicas.Contains(Replica, StringComparer.Ordinal))
            return $"Member '{member.Name}' gives an endpoint for replica '{Replica}', which it does not run.";
        if (member.Endpoints!.Count(e => e.Replica == Replica) > 1)
            return $"Member '{member.Name}' gives replica '{Replica}' more than one endpoint.";
        if (Host is null)
            return $"Member '{member.Name}': raftEndPoint '{RaftEndPoint}' of replica '{Replica}' is not host:port.";
        if (ApiUrl is { } api && (!api.IsAbsoluteUri || api.Scheme is not ("http" or "https")))
            return $"Member '{member.Name}': apiUrl of replica '{Replica}' is not an absolute http(s) address.";
        return null;
    }
}
