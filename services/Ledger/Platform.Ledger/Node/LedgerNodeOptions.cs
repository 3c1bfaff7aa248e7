using System.Net;

namespace Platform.Ledger.Node;

/// <summary>This replica's place in the cluster (<c>Ledger:*</c>). Every replica lists the same replicas.</summary>
public sealed class LedgerNodeOptions
{
    /// <summary>This replica's name, one of <see cref="Replicas"/>; also the name of its checkpoint-signing key.</summary>
    public string ReplicaName { get; set; } = "ledger-0";

    /// <summary>The whole membership, explicitly (StatefulSet DNS names when deployed, loopback in the dev host).</summary>
    public List<ReplicaEndpoint> Replicas { get; set; } = [];

    /// <summary>Where the write-ahead log lives (a PersistentVolume when deployed).</summary>
    public string DataDirectory { get; set; } = "data/ledger";

    /// <summary>Shared secret replicas present to each other on <c>/internal/*</c>.</summary>
    public string ClusterToken { get; set; } = "";

    /// <summary>Bearer tokens of services allowed to submit directly (name → token).</summary>
    public Dictionary<string, string> ServiceTokens { get; set; } = [];

    /// <summary>How often the leader closes a block when entries arrived.</summary>
    public TimeSpan BlockInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>How long a submission may wait for a majority before it is refused.</summary>
    public TimeSpan CommitTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Publisher keys the leader registers in the log at start (issuer + JWK).</summary>
    public List<PublisherKeyOption> Publishers { get; set; } = [];

    public ReplicaEndpoint Self => Replicas.FirstOrDefault(r => r.Name == ReplicaName)
        ?? throw new InvalidOperationException($"Ledger:ReplicaName '{ReplicaName}' is not one of Ledger:Replicas.");
}

/// <summary>One replica: its name, its Raft endpoint (host:port) and its API base address.</summary>
public sealed class ReplicaEndpoint
{
    public string Name { get; set; } = "";
    public string RaftEndPoint { get; set; } = "";
    public Uri? ApiUrl { get; set; }

    public IPEndPoint ResolveRaftEndPoint()
    {
        var separator = RaftEndPoint.LastIndexOf(':');
        if (separator <= 0 || !int.TryParse(RaftEndPoint[(separator + 1)..], out var port))
        {
            throw new InvalidOperationException($"Raft endpoint '{RaftEndPoint}' of {Name} is not host:port.");
        }
        var host = RaftEndPoint[..separator];
        var address = IPAddress.TryParse(host, out var ip) ? ip : Dns.GetHostAddresses(host).First();
        return new IPEndPoint(address, port);
    }
}

public sealed class PublisherKeyOption
{
    public string Issuer { get; set; } = "";
    public Platform.Crypto.JsonWebKeyInfo? Jwk { get; set; }
}
