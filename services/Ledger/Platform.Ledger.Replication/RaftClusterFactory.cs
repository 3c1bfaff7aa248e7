using System.Net;
using DotNext.Net.Cluster.Consensus.Raft;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Platform.Ledger.Replication;

/// <summary>
/// Builds a DotNext <see cref="RaftCluster"/> with a persisted membership on a TCP transport whose outgoing connections
/// resolve member names on every connect (<see cref="MemberConnectionFactory"/>).
/// </summary>
internal static class RaftClusterFactory
{
    internal static RaftCluster Create(ReplicaOptions options, IPersistentState log, MembershipFile membership, MemberConnectionFactory clients, TlsConnectionListenerFactory? tlsListener, ILoggerFactory loggerFactory)
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

            // Resolving a name, connecting and the TLS handshake must fail before a candidate's election timeout
            // (at least the lower one): a DotNext candidate waits for every member's vote until then, so a member
            // that cannot be reached (a partition: connections hang rather than being refused) must be given up on
            // first, or no candidate ever wins. The dial itself goes on in the background (MemberConnectionFactory), so a
            // slow handshake on a busy node is not thrown away. Votes on an open connection: ElectionAnswerDeadlineStream.
            ConnectTimeout = options.LowerElectionTimeout,

            // Long enough to send and install a snapshot (see ReplicaOptions.RequestTimeout).
            RequestTimeout = options.RequestTimeout,

            // Nobody bootstraps a cluster of its own (ColdStart) or announces itself: the membership is the one in
            // the data directory (seeded from ReplicaOptions.Members), changed only through the leader's
            // AddMemberAsync/RemoveMemberAsync, one member at a time. FailureDetectorFactory stays unset, so the
            // leader never removes an unreachable member by itself: a majority stays a majority of the membership.
            ColdStart = false,
            ConfigurationStorage = membership,
            LoggerFactory = loggerFactory,
        };

        return new RaftCluster(configuration) { AuditTrail = log };
    }
}
