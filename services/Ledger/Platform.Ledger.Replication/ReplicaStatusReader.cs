using System.Net;
using DotNext.Net.Cluster;
using DotNext.Net.Cluster.Consensus.Raft;
using DotNext.Net.Cluster.Consensus.Raft.StateMachine;

namespace Platform.Ledger.Replication;

/// <summary>Translates DotNext's view of the node into <see cref="ReplicaStatus"/>.</summary>
internal static class ReplicaStatusReader
{
    internal static ReplicaStatus Read(ReplicaOptions options, RaftCluster node, DurableWriteAheadLog log, CommandStateMachine machine, TlsConnectionListenerFactory? tls)
    {
        var known = node.Members.ToDictionary(m => m.EndPoint, m => m.Status);
        var isLeader = !node.LeadershipToken.IsCancellationRequested;
        return new ReplicaStatus(
            options.RaftEndPoint,
            node.Leader?.EndPoint,
            isLeader,
            ((IPersistentState)log).Term,
            log.LastCommittedEntryIndex,
            log.LastAppliedIndex,
            [.. node.Members.Select(m => m.EndPoint).OrderBy(RaftEndPoints.Format, StringComparer.Ordinal)
                .Select(m => new MemberStatus(m, IsSelf(options, m), Reachability(options, m, known)))],
            log.HighestKnownCommitIndex,
            log.FollowerFlushes,
            new SnapshotStatus(machine.SnapshotIndex, machine.SnapshotsTaken, machine.SnapshotsInstalled),
            options.Tls is not null,
            tls?.Refused ?? 0,
            isLeader || log.HasHeardCommitIndex,
            tls?.RefusedSenders ?? 0);
    }

    internal static ReplicaStatus NotRunning(ReplicaOptions options) =>
        new(options.RaftEndPoint, null, false, 0, 0, 0,
            [.. options.Members.Select(m => new MemberStatus(m, IsSelf(options, m), MemberReachability.Unknown))]);

    private static bool IsSelf(ReplicaOptions options, EndPoint member) => member.Equals(options.RaftEndPoint);

    // DotNext only learns about a member by talking to it, which followers rarely do: they report Unknown.
    private static MemberReachability Reachability(ReplicaOptions options, EndPoint member, Dictionary<EndPoint, ClusterMemberStatus> known) =>
        IsSelf(options, member) ? MemberReachability.Reachable
        : known.GetValueOrDefault(member) switch
        {
            ClusterMemberStatus.Available => MemberReachability.Reachable,
            ClusterMemberStatus.Unavailable => MemberReachability.Unreachable,
            _ => MemberReachability.Unknown,
        };
}
