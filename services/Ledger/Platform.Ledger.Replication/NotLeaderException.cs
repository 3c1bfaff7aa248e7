using System.Net;

namespace Platform.Ledger.Replication;

/// <summary>
/// This replica is not the leader (or stopped leading before the command committed).
/// Send the command to <see cref="Leader"/>; when it is <see langword="null"/>, wait for an election
/// (<see cref="RaftReplica.WaitForLeaderAsync"/>) and retry.
/// </summary>
public sealed class NotLeaderException : ReplicationException
{
    public NotLeaderException(EndPoint? leader, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Leader = leader;
    }

    /// <summary>The current leader's Raft endpoint (its configured name or address), when known.</summary>
    public EndPoint? Leader { get; }
}
