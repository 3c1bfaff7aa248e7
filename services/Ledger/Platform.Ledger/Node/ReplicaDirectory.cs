using System.Net;
using Microsoft.Extensions.Options;
using Platform.Ledger.Core;
using Platform.Ledger.Replication;
using Platform.Ledger.Verification;

namespace Platform.Ledger.Node;

/// <summary>
/// Where each replica is, by name: this replica's own <c>Ledger:Replicas</c> first (the operator's view of the
/// names), then, for a consortium, the endpoints its members declared in the ledger's configurations (newest first,
/// removed members included, so a leaving replica is still recognised) and in this institution's file. A replica
/// admitted by governance is thereby found without anyone editing <c>Ledger:Replicas</c>.
/// </summary>
public sealed class ReplicaDirectory(IOptions<LedgerNodeOptions> options, LedgerState state, LocalConsortium local)
{
    /// <summary>The replica named <paramref name="name"/>, if its endpoint is known.</summary>
    public ReplicaEndpoint? Named(string name) =>
        options.Value.Replicas.FirstOrDefault(r => string.Equals(r.Name, name, StringComparison.Ordinal))
        ?? Declared().FirstOrDefault(r => string.Equals(r.Name, name, StringComparison.Ordinal));

    /// <summary>The replica whose Raft endpoint (member identity) is <paramref name="member"/>, if any.</summary>
    public ReplicaEndpoint? Of(EndPoint member) =>
        options.Value.Replicas.FirstOrDefault(r => r.ParseRaftEndPoint().Equals(member))
        ?? Declared().FirstOrDefault(r => Parses(r, out var endpoint) && endpoint.Equals(member));

    /// <summary>The Raft endpoint of every replica named here (the senders a Raft connection's certificate is checked against).</summary>
    public IEnumerable<EndPoint> EndPoints() =>
        options.Value.Replicas.Concat(Declared()).Select(r => Parses(r, out var endpoint) ? endpoint : null).OfType<EndPoint>().Distinct();

    /// <summary>The host a replica's certificate must name: the host of its Raft endpoint, or its name when no endpoint is known.</summary>
    public string HostOf(string name) =>
        Named(name) is { } replica && Parses(replica, out var endpoint)
            ? endpoint switch { DnsEndPoint dns => dns.Host, IPEndPoint ip => ip.Address.ToString(), _ => name }
            : name;

    private IEnumerable<ReplicaEndpoint> Declared()
    {
        IEnumerable<ConsortiumConfiguration> configurations = state.Configurations.Reverse();
        if (local.Configuration is { } file)
            configurations = configurations.Append(file);
        return configurations
            .SelectMany(c => c.Members)
            .SelectMany(m => m.Endpoints ?? [])
            .Select(e => new ReplicaEndpoint { Name = e.Replica, RaftEndPoint = e.RaftEndPoint, ApiUrl = e.ApiUrl });
    }

    private static bool Parses(ReplicaEndpoint replica, out EndPoint endpoint)
    {
        try
        {
            endpoint = replica.ParseRaftEndPoint();
            return true;
        }
        catch (InvalidOperationException)
        {
            endpoint = null!;
            return false;
        }
    }
}
