using System.Net;
using DotNext.Net.Cluster.Consensus.Raft;
using DotNext.Net.Cluster.Consensus.Raft.Membership;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Platform.Ledger.Replication;

/// <summary>
/// Builds a DotNext <see cref="RaftCluster"/> with a fixed membership on a TCP transport whose outgoing connections
/// resolve member names on every connect (<see cref="MemberConnectionFactory"/>).
/// </summary>
internal static class RaftClusterFactory
{
    internal static RaftCluster Create(ReplicaOptions options, IPersistentState log, MemberConnectionFactory clients, TlsConnectionListenerFactory? tlsListener, ILoggerFactory loggerFactory)
    {
        // Kestrel's socket listener, or with TLS our own that hands DotNext authenticated connections only; either
        // binds the wildcard (or configured) address, so a new pod IP changes nothing here.
        IConnectionListenerFactory listener = tlsListener ?? (IConnectionListenerFactory)new SocketTransportFactory(Options.Create(new SocketTransportOptions()), loggerFactory);
        var configuration = new RaftCluster.CustomTransportConfiguration(options.EffectiveListenEndPoint, listener, clients)
        {
            // The advertised endpoint (a name, normally) is the member identity; it must equal this replica's entry in Members.
            PublicEndPoint = options.RaftEndPoint,
            LowerElectionTimeout = (int)options.LowerElectionTimeout.TotalMilliseconds,
            UpperElectionTimeout = (int)options.UpperElectionTimeout.TotalMilliseconds,

            // Resolving a name and connecting must fit in well under an election timeout, but DotNext's default
            // (half the lower timeout, 75 ms) leaves no room for a DNS lookup in a busy cluster.
            ConnectTimeout = options.UpperElectionTimeout,

            // Membership is explicit and the same on every replica: no node may bootstrap a
            // one-member cluster of its own (ColdStart) and nobody announces itself.
            ColdStart = false,

            // null selects DotNext's in-memory storage, seeded below from the static member list.
            // Nothing ever appends a configuration entry (FailureDetectorFactory stays unset, so the
            // leader never auto-removes an unreachable member), hence the membership cannot drift.
            ConfigurationStorage = null!,
            LoggerFactory = loggerFactory,
        };

        var storage = (InMemoryClusterConfigurationStorage<EndPoint>)configuration.ConfigurationStorage;
        var members = storage.CreateInitialConfigurationBuilder();
        foreach (var member in options.Members)
            members.Add(member);
        members.Build();

        return new RaftCluster(configuration) { AuditTrail = log };
    }
}
