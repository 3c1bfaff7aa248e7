using System.Net;

namespace Platform.Ledger.Replication;

/// <summary>Configuration of one replica of a statically configured Raft cluster.</summary>
public sealed record ReplicaOptions
{
    /// <summary>Root of this replica's persistent state: the write-ahead log (entries, term, vote) lives in <c>wal/</c> below it.</summary>
    public required string DataDirectory { get; init; }

    /// <summary>This replica's Raft address as the other members know it; it is also the replica's identity.</summary>
    public required IPEndPoint RaftEndPoint { get; init; }

    /// <summary>The whole membership, this replica included, identical on every replica (1, 3, 5… members).</summary>
    public required IReadOnlyList<IPEndPoint> Members { get; init; }

    /// <summary>Lower bound of the randomized election timeout; heartbeats are sent every half of it.</summary>
    public TimeSpan LowerElectionTimeout { get; init; } = TimeSpan.FromMilliseconds(150);

    /// <summary>Upper bound of the randomized election timeout.</summary>
    public TimeSpan UpperElectionTimeout { get; init; } = TimeSpan.FromMilliseconds(300);

    /// <summary>
    /// Socket the Raft listener binds, when it differs from <see cref="RaftEndPoint"/>
    /// (e.g. <c>0.0.0.0:port</c> inside a container whose advertised address is the pod IP).
    /// </summary>
    public IPEndPoint? ListenEndPoint { get; init; }

    /// <summary>Largest command accepted by <see cref="RaftReplica.AppendAsync"/>, in bytes.</summary>
    public int MaxCommandSize { get; init; } = 1024 * 1024;

    /// <summary>Number of members whose acknowledgement commits an entry.</summary>
    public int Majority => (Members.Count / 2) + 1;

    /// <summary>Rejects configurations that would silently break Raft's safety or liveness.</summary>
    internal void Validate()
    {
        if (string.IsNullOrWhiteSpace(DataDirectory))
            throw new ArgumentException("DataDirectory is required.", nameof(DataDirectory));
        ArgumentNullException.ThrowIfNull(RaftEndPoint);
        ArgumentNullException.ThrowIfNull(Members);
        if (Members.Count == 0)
            throw new ArgumentException("Members must list the whole cluster, this replica included.", nameof(Members));
        if (Members.Any(m => m is null))
            throw new ArgumentException("Members must not contain null.", nameof(Members));
        if (Members.Distinct().Count() != Members.Count)
            throw new ArgumentException("Members must not contain duplicates: a duplicate would distort the majority.", nameof(Members));

        // Identity is the exact endpoint: 127.0.0.1:7000 and [::ffff:127.0.0.1]:7000 are different members.
        if (!Members.Contains(RaftEndPoint))
            throw new ArgumentException($"Members must contain this replica's RaftEndPoint {RaftEndPoint} (spelled exactly the same).", nameof(Members));
        if (LowerElectionTimeout < TimeSpan.FromMilliseconds(10))
            throw new ArgumentOutOfRangeException(nameof(LowerElectionTimeout), LowerElectionTimeout, "Must be at least 10 ms.");
        if (UpperElectionTimeout <= LowerElectionTimeout || UpperElectionTimeout.TotalMilliseconds > int.MaxValue)
            throw new ArgumentOutOfRangeException(nameof(UpperElectionTimeout), UpperElectionTimeout, "Must be greater than LowerElectionTimeout.");
        if (MaxCommandSize <= 0)
            throw new ArgumentOutOfRangeException(nameof(MaxCommandSize), MaxCommandSize, "Must be positive.");
    }
}
