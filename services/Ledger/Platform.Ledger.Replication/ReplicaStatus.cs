using System.Net;

namespace Platform.Ledger.Replication;

/// <summary>A point-in-time view of one replica, for health checks and diagnostics.</summary>
/// <param name="Self">This replica's Raft endpoint (its configured name or address).</param>
/// <param name="Leader">The leader this replica knows of; <see langword="null"/> during an election or when no majority is reachable.</param>
/// <param name="IsLeader">Whether this replica is the leader.</param>
/// <param name="Term">Current Raft term (persisted).</param>
/// <param name="CommitIndex">Highest log index known to be committed by a majority.</param>
/// <param name="LastAppliedIndex">Highest log index applied locally (no-op entries included).</param>
/// <param name="Members">The current membership (ordered by name), empty while this replica waits to be added.</param>
/// <param name="LeaderCommitIndex">
/// The highest commit index this replica has heard of (from the leader's heartbeats, or its own as leader):
/// <c>LeaderCommitIndex - LastAppliedIndex</c> is how far it is behind.
/// </param>
/// <param name="FlushedAppends">How many times, as a follower, this replica flushed received entries to disk before acknowledging them.</param>
/// <param name="Snapshot">This replica's newest snapshot and what it did with snapshots since it started.</param>
/// <param name="Tls">Whether the Raft transport requires mutual TLS.</param>
/// <param name="RefusedConnections">Incoming Raft connections dropped because the peer failed the TLS handshake.</param>
/// <param name="RefusedSenders">Incoming Raft connections closed because a request on them spoke for a replica their certificate does not name.</param>
/// <param name="HeardCommitIndex">
/// Whether, since this process started, a leader whose log matches this replica's has told it its commit index (or
/// this replica committed as leader). Until then <see cref="Lag"/> is measured against stale knowledge: a replica
/// restarted behind, or with a wiped volume, knows the leader (every AppendEntries names it) long before its log
/// matches the leader's (the leader walks back, or sends a snapshot).
/// </param>
public sealed record ReplicaStatus(
    EndPoint Self,
    EndPoint? Leader,
    bool IsLeader,
    long Term,
    long CommitIndex,
    long LastAppliedIndex,
    IReadOnlyList<MemberStatus> Members,
    long LeaderCommitIndex = 0,
    long FlushedAppends = 0,
    SnapshotStatus? Snapshot = null,
    bool Tls = false,
    long RefusedConnections = 0,
    bool HeardCommitIndex = false,
    long RefusedSenders = 0)
{
    /// <summary>The highest commit index this replica knows of: the leader's as heard, or its own.</summary>
    public long KnownCommitIndex => Math.Max(LeaderCommitIndex, CommitIndex);

    /// <summary>Committed entries this replica has not applied yet (0 when it is up to date).</summary>
    public long Lag => Math.Max(0, KnownCommitIndex - LastAppliedIndex);
}

/// <summary>One configured member as seen from this replica.</summary>
public sealed record MemberStatus(EndPoint EndPoint, bool IsSelf, MemberReachability Reachability);

/// <summary>
/// Reachability of a member. Only the leader probes every member; a follower reports
/// <see cref="Unknown"/> for the members it has not talked to.
/// </summary>
public enum MemberReachability
{
    Unknown,
    Reachable,
    Unreachable,
}

/// <summary>Snapshots of one replica.</summary>
/// <param name="Index">Raft index of the newest snapshot this replica holds (0: none; the log then starts at index 1).</param>
/// <param name="Taken">Snapshots written since the replica started.</param>
/// <param name="Installed">Snapshots restored since it started: its own at start, or one received from the leader.</param>
public sealed record SnapshotStatus(long Index, long Taken, long Installed);
