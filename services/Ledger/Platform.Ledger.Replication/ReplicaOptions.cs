using System.Net;

namespace Platform.Ledger.Replication;

/// <summary>Configuration of one replica of a statically configured Raft cluster.</summary>
public sealed record ReplicaOptions
{
    /// <summary>Root of this replica's persistent state: the write-ahead log (entries, term, vote) in <c>wal/</c>, snapshots in <c>snapshots/</c>.</summary>
    public required string DataDirectory { get; init; }

    /// <summary>
    /// This replica's Raft address as the other members know it, and its member identity in Raft: a
    /// <see cref="DnsEndPoint"/> (a host name, resolved on every (re)connect, so the address behind it may change)
    /// or an <see cref="IPEndPoint"/> (a fixed address).
    /// </summary>
    public required EndPoint RaftEndPoint { get; init; }

    /// <summary>
    /// The initial membership, identical on every replica that starts the cluster (1, 3, 5… members): written into a
    /// data directory that has no membership yet, ignored once it has one (the membership then changes only through
    /// <see cref="RaftReplica.AddMemberAsync"/> and <see cref="RaftReplica.RemoveMemberAsync"/> and is persisted).
    /// A replica that is not in it starts outside the cluster and waits until the leader adds it. Identity is the
    /// exact endpoint: <c>127.0.0.1:7000</c> and <c>[::ffff:127.0.0.1]:7000</c> are different members, and so are a
    /// name and its address.
    /// </summary>
    public required IReadOnlyList<EndPoint> Members { get; init; }

    /// <summary>
    /// What this replica's data directory is bound to (e.g. <c>ledger-id/replica-name</c>); a directory bound to
    /// anything else is refused. Defaults to <see cref="RaftEndPoint"/>, which suits fixed addresses only.
    /// </summary>
    public string? Identity { get; init; }

    /// <summary>
    /// Resolves a member's host name to addresses; called on every connection attempt, never cached here.
    /// Defaults to the system resolver (<see cref="Dns.GetHostAddressesAsync(string, CancellationToken)"/>).
    /// </summary>
    public HostResolver? ResolveHost { get; init; }

    /// <summary>
    /// Mutual TLS on the Raft transport (see <see cref="ReplicaTls"/>); <see langword="null"/> means plaintext, which
    /// every member must then agree on. A TLS replica refuses plaintext peers and peers from other authorities.
    /// </summary>
    public ReplicaTls? Tls { get; init; }

    /// <summary>
    /// Endpoints of replicas this replica knows beyond the membership and <see cref="Members"/> (every configured
    /// replica, a consortium's declared ones), asked whenever a request names a sender: with <see cref="Tls"/>, a
    /// request speaking as one of them is refused unless the connection's certificate names it (<see cref="SenderBinding"/>).
    /// </summary>
    public Func<IEnumerable<EndPoint>>? KnownEndPoints { get; init; }

    /// <summary>Lower bound of the randomized election timeout; heartbeats are sent every half of it.</summary>
    public TimeSpan LowerElectionTimeout { get; init; } = TimeSpan.FromMilliseconds(150);

    /// <summary>Upper bound of the randomized election timeout.</summary>
    public TimeSpan UpperElectionTimeout { get; init; } = TimeSpan.FromMilliseconds(300);

    /// <summary>
    /// Socket the Raft listener binds. Defaults to <see cref="RaftEndPoint"/> when that is an address, and to the
    /// IPv4 wildcard on its port when it is a name (the name's address may change; the listener must not care).
    /// </summary>
    public IPEndPoint? ListenEndPoint { get; init; }

    /// <summary>The socket the listener actually binds (see <see cref="ListenEndPoint"/>).</summary>
    public IPEndPoint EffectiveListenEndPoint => ListenEndPoint ?? RaftEndPoint switch
    {
        IPEndPoint ip => ip,
        DnsEndPoint dns => new IPEndPoint(IPAddress.Any, dns.Port),
        var other => throw new ArgumentException($"Unsupported RaftEndPoint type {other.GetType().Name}.", nameof(RaftEndPoint)),
    };

    /// <summary>The string the data directory is bound to (see <see cref="Identity"/>).</summary>
    public string EffectiveIdentity => Identity ?? RaftEndPoints.Format(RaftEndPoint);

    /// <summary>
    /// Whether a follower flushes received entries to stable storage before acknowledging them (default). Turn it off
    /// only where every replica shares one machine and disk (the dev host): a power loss takes them all anyway, and a
    /// killed process loses nothing from the page cache.
    /// </summary>
    public bool FlushBeforeAcknowledging { get; init; } = true;

    /// <summary>Largest command accepted by <see cref="RaftReplica.AppendAsync"/>, in bytes.</summary>
    public int MaxCommandSize { get; init; } = 1024 * 1024;

    /// <summary>
    /// Take a snapshot of the state every this many log entries (0: never), when the replica was given an
    /// <see cref="ISnapshottableState"/>. The log behind a snapshot is deleted, so the data directory holds at most
    /// about this many entries plus one or two snapshots, and a restart replays at most this many entries after
    /// loading the snapshot. Each snapshot writes the whole state, so a smaller interval costs more writing.
    /// </summary>
    public long SnapshotInterval { get; init; } = 20_000;

    /// <summary>
    /// How long one Raft request to a member may take, answer included; also how long a member waits for a request it
    /// is receiving. It must cover sending and installing the largest snapshot: DotNext 6.12 counts a snapshot whose
    /// answer came too late as refused, and the follower, which did install it, then refuses the same snapshot again
    /// (not newer than what it has committed) until the leader has a newer one. DotNext's default, the lower election
    /// timeout, suits heartbeats only. A member that does not answer holds up only its own replication, not the others'.
    /// </summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Number of initial members whose acknowledgement commits an entry.</summary>
    public int Majority => (Members.Count / 2) + 1;

    /// <summary>Rejects configurations that would silently break Raft's safety or liveness.</summary>
    internal void Validate()
    {
        if (string.IsNullOrWhiteSpace(DataDirectory))
            throw new ArgumentException("DataDirectory is required.", nameof(DataDirectory));
        ArgumentNullException.ThrowIfNull(RaftEndPoint);
        if (Members is not null && Members.Concat([RaftEndPoint]).Any(m => m is not (IPEndPoint or DnsEndPoint)))
            throw new ArgumentException("Members and RaftEndPoint must be IPEndPoint or DnsEndPoint.", nameof(Members));
        if (Identity is not null && (string.IsNullOrWhiteSpace(Identity) || Identity.Contains('\n', StringComparison.Ordinal)))
            throw new ArgumentException("Identity must be a non-empty single line.", nameof(Identity));
        ArgumentNullException.ThrowIfNull(Members);
        if (Members.Count == 0)
            throw new ArgumentException("Members must list the whole cluster, this replica included.", nameof(Members));
        if (Members.Any(m => m is null))
            throw new ArgumentException("Members must not contain null.", nameof(Members));
        if (Members.Distinct().Count() != Members.Count)
            throw new ArgumentException("Members must not contain duplicates: a duplicate would distort the majority.", nameof(Members));

        if (LowerElectionTimeout < TimeSpan.FromMilliseconds(10))
            throw new ArgumentOutOfRangeException(nameof(LowerElectionTimeout), LowerElectionTimeout, "Must be at least 10 ms.");
        if (UpperElectionTimeout <= LowerElectionTimeout || UpperElectionTimeout.TotalMilliseconds > int.MaxValue)
            throw new ArgumentOutOfRangeException(nameof(UpperElectionTimeout), UpperElectionTimeout, "Must be greater than LowerElectionTimeout.");
        if (RequestTimeout <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(RequestTimeout), RequestTimeout, "Must be positive.");
        if (SnapshotInterval < 0)
            throw new ArgumentOutOfRangeException(nameof(SnapshotInterval), SnapshotInterval, "Must be 0 (never) or positive.");
        if (MaxCommandSize <= 0)
            throw new ArgumentOutOfRangeException(nameof(MaxCommandSize), MaxCommandSize, "Must be positive.");
    }
}
