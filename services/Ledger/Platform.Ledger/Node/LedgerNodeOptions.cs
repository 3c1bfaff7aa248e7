using System.Net;
using Platform.Crypto.Jose;

namespace Platform.Ledger.Node;

/// <summary>This replica's place in the cluster (<c>Ledger:*</c>). Every replica lists the same replicas.</summary>
public sealed class LedgerNodeOptions
{
    /// <summary>This replica's name, one of <see cref="Replicas"/>; also the name of its checkpoint-signing key.</summary>
    public string ReplicaName { get; set; } = "ledger-0";

    /// <summary>The whole membership, explicitly (StatefulSet DNS names when deployed, loopback in the dev host).</summary>
    public List<ReplicaEndpoint> Replicas { get; set; } = [];

    /// <summary>
    /// How many replicas, the first of <see cref="Replicas"/>, formed the cluster when it was first started; 0 means
    /// all of them. A replica whose data directory has no membership yet and that is not among them starts outside
    /// the cluster and waits for <c>POST /admin/members/{name}</c> on the leader (docs/ledger.md#membership-changes).
    /// Once a data directory has a membership, it is not read again for it.
    /// </summary>
    public int InitialMembers { get; set; }

    /// <summary>Static bearer token for the membership endpoints, for deployments without the identity service in front.</summary>
    public string AdminToken { get; set; } = "";

    /// <summary>The replicas of the first membership (see <see cref="InitialMembers"/>).</summary>
    public IReadOnlyList<ReplicaEndpoint> Founders => InitialMembers <= 0 ? Replicas : [.. Replicas.Take(InitialMembers)];

    /// <summary>Where the write-ahead log lives (a PersistentVolume when deployed).</summary>
    public string DataDirectory { get; set; } = "data/ledger";

    /// <summary>Shared secret replicas present to each other on <c>/internal/*</c>.</summary>
    public string ClusterToken { get; set; } = "";

    /// <summary>Bearer tokens of services allowed to submit directly (name → token).</summary>
    public Dictionary<string, string> ServiceTokens { get; set; } = [];

    /// <summary>
    /// Static bearer tokens of auditors who may read entries (<c>GET /entries/{n}</c>), for deployments without the
    /// identity service in front; with it, a token with the <c>ledger.audit</c> scope does.
    /// </summary>
    public Dictionary<string, string> AuditorTokens { get; set; } = [];

    /// <summary>How often the leader closes a block when entries arrived.</summary>
    public TimeSpan BlockInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Group commit: how submissions are batched into one Raft entry (<c>Ledger:GroupCommit:*</c>).</summary>
    public Platform.Ledger.Core.GroupCommitOptions GroupCommit { get; set; } = new();

    /// <summary>How long a submission may wait for a majority before it is refused.</summary>
    public TimeSpan CommitTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Address the Raft listener binds (default <c>0.0.0.0</c>: any address, so a pod's new IP changes nothing;
    /// <c>::</c> for IPv6, a single address to confine it). The port is this replica's Raft port.
    /// </summary>
    public string? RaftBindAddress { get; set; }

    /// <summary>
    /// Optional file in hosts(5) format consulted before DNS whenever a member's name is resolved (re-read every time,
    /// so editing it moves a member). For hosts without DNS names for their replicas: the dev host, the fault tests.
    /// </summary>
    public string? HostsFile { get; set; }

    /// <summary>Followers flush entries to disk before acknowledging them (see docs/ledger.md#durable-acknowledgements); off only in the dev host.</summary>
    public bool DurableAcknowledgements { get; set; } = true;

    /// <summary>
    /// Snapshot the ledger state every this many Raft log entries and delete the log behind it (0: never; the log then
    /// grows without bound and a restart replays it all). See docs/ledger.md#snapshots-and-log-compaction.
    /// </summary>
    public long SnapshotInterval { get; set; } = 20_000;

    /// <summary>
    /// How long one Raft request between replicas may take; it must cover sending and installing the largest snapshot
    /// to a replica that is catching up (see docs/ledger.md#snapshots-and-log-compaction).
    /// </summary>
    public TimeSpan RaftRequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>A replica whose applied log is more than this many entries behind the commit index it has heard of is not ready.</summary>
    public long ReadyLag { get; set; } = 1000;

    /// <summary>Mutual TLS between replicas on the Raft port (required with more than one replica unless disabled).</summary>
    public RaftTlsOptions RaftTls { get; set; } = new();

    /// <summary>
    /// A ledger run by a consortium of institutions (<c>Ledger:Consortium:File</c>, docs/consortium.md); unset for the
    /// default, one operator.
    /// </summary>
    public ConsortiumOptions Consortium { get; set; } = new();

    /// <summary>Publisher keys the leader registers in the log at start (issuer + JWK).</summary>
    public List<PublisherKeyOption> Publishers { get; set; } = [];

    public ReplicaEndpoint Self => Replicas.FirstOrDefault(r => r.Name == ReplicaName)
        ?? throw new InvalidOperationException($"Ledger:ReplicaName '{ReplicaName}' is not one of Ledger:Replicas.");
}

/// <summary>One replica: its name, its Raft endpoint (host:port, a DNS name when deployed) and its API base address.</summary>
public sealed class ReplicaEndpoint
{
    public string Name { get; set; } = "";
    public string RaftEndPoint { get; set; } = "";
    public Uri? ApiUrl { get; set; }

    /// <summary>
    /// The member identity: a name stays a name (resolved on every connection, never here), an address literal an
    /// address. Nothing is resolved at start, so a replica whose peers are not in DNS yet still starts.
    /// </summary>
    public EndPoint ParseRaftEndPoint()
    {
        try
        {
            return Platform.Ledger.Replication.RaftEndPoints.Parse(RaftEndPoint);
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            throw new InvalidOperationException($"Raft endpoint '{RaftEndPoint}' of {Name} is not host:port.", e);
        }
    }
}

/// <summary>
/// <c>Ledger:RaftTls</c>: PEM files of this replica's certificate and key and of the CA bundle its peers' certificates
/// must chain to. With more than one replica all three are required, unless <see cref="Disabled"/> says, explicitly,
/// that Raft traffic goes in plaintext.
/// </summary>
public sealed class RaftTlsOptions
{
    public string? CertificateFile { get; set; }

    public string? KeyFile { get; set; }

    public string? AuthorityFile { get; set; }

    /// <summary>Plaintext Raft: only where the network between replicas is trusted by other means.</summary>
    public bool Disabled { get; set; }

    /// <summary>Set when a consortium file is configured: the member institutions' CAs are the authorities, not a file.</summary>
    internal bool AuthoritiesFromConsortium { get; set; }

    public bool IsConfigured => !string.IsNullOrWhiteSpace(CertificateFile) && !string.IsNullOrWhiteSpace(KeyFile)
        && (AuthoritiesFromConsortium || !string.IsNullOrWhiteSpace(AuthorityFile));

    public bool IsPartlyConfigured => !IsConfigured && !(string.IsNullOrWhiteSpace(CertificateFile) && string.IsNullOrWhiteSpace(KeyFile) && string.IsNullOrWhiteSpace(AuthorityFile));
}

public sealed class PublisherKeyOption
{
    public string Issuer { get; set; } = "";
    public Platform.Crypto.Jose.P256Jwk? Jwk { get; set; }
}

/// <summary><c>Ledger:Consortium</c>: the consortium configuration file this replica's institution agreed to.</summary>
public sealed class ConsortiumOptions
{
    /// <summary>JSON file of the founding configuration (members, their replicas, checkpoint keys and CAs; quorum rule).</summary>
    public string? File { get; set; }

    public bool IsConfigured => !string.IsNullOrWhiteSpace(File);
}
