using System.Net;
using DotNext.Net.Cluster.Consensus.Raft;
using DotNext.Net.Cluster.Consensus.Raft.Membership;
using Microsoft.Extensions.Logging;

namespace Platform.Ledger.Replication;

/// <summary>Builds a DotNext <see cref="RaftCluster"/> on its self-contained TCP transport with a fixed membership.</summary>
internal static class RaftClusterFactory
{
    internal static RaftCluster Create(ReplicaOptions options, IPersistentState log, ILoggerFactory loggerFactory)
    {
        var configuration = new RaftCluster.TcpConfiguration(options.ListenEndPoint ?? options.RaftEndPoint)
        {
            // The advertised address is the member identity; it must equal this replica's entry in Members.
            PublicEndPoint = options.RaftEndPoint,
            LowerElectionTimeout = (int)options.LowerElectionTimeout.TotalMilliseconds,
            UpperElectionTimeout = (int)options.UpperElectionTimeout.TotalMilliseconds,

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
