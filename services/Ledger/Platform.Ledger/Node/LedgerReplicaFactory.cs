using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Platform.Ledger.Core;
using Platform.Ledger.Replication;

namespace Platform.Ledger.Node;

/// <summary>
/// Builds this replica's <see cref="RaftReplica"/> from <see cref="LedgerNodeOptions"/>: where its log lives, who the
/// founding members are, how names resolve, TLS, and that every committed command is applied to <see cref="LedgerState"/>
/// (snapshots of that state included). <paramref name="consortiumPeerTrust"/> is registered by a consortium only (the
/// members' CAs from the configuration in force).
/// </summary>
public sealed class LedgerReplicaFactory(
    IOptions<LedgerNodeOptions> options,
    LedgerState state,
    HostsFileResolver resolver,
    ReplicaDirectory directory,
    ILoggerFactory loggerFactory,
    ConsortiumPeerTrust? consortiumPeerTrust = null)
{
    public RaftReplica Create() =>
        new(ReplicaOptions(), ApplyCommittedAsync, new LedgerStateSnapshots(state), loggerFactory);

    /// <summary>What Raft hands over once an entry is committed: the ledger state applies it, in log order.</summary>
    private ValueTask ApplyCommittedAsync(long index, ReadOnlyMemory<byte> command, CancellationToken cancellationToken)
    {
        state.Apply(index, command.Span);
        return ValueTask.CompletedTask;
    }

    private ReplicaOptions ReplicaOptions()
    {
        var node = options.Value;
        var self = node.Self.ParseRaftEndPoint();
        return new ReplicaOptions
        {
            DataDirectory = Path.Combine(node.DataDirectory, "raft"),
            RaftEndPoint = self,
            Members = node.Founders.Select(r => r.ParseRaftEndPoint()).ToArray(),

            // Bound to the replica's name within its ledger: a pod recreated with a new IP keeps its volume.
            Identity = $"{state.Options.LedgerId}/{node.ReplicaName}",
            ListenEndPoint = ListenEndPoint(node, self),
            ResolveHost = resolver.ResolveAsync,
            FlushBeforeAcknowledging = node.DurableAcknowledgements,
            SnapshotInterval = node.SnapshotInterval,
            RequestTimeout = node.RaftRequestTimeout,
            KnownEndPoints = directory.EndPoints,
            Tls = !node.RaftTls.IsConfigured ? null
                : node.RaftTls.AuthoritiesFromConsortium
                    ? ReplicaTls.FromPemFiles(node.RaftTls.CertificateFile!, node.RaftTls.KeyFile!, consortiumPeerTrust
                        ?? throw new InvalidOperationException("Raft TLS trusts the consortium's member CAs, but no Ledger:Consortium:File is configured."))
                    : ReplicaTls.FromPemFiles(node.RaftTls.CertificateFile!, node.RaftTls.KeyFile!, node.RaftTls.AuthorityFile!),
        };
    }

    // A name's address may change, so by default the listener takes any address; a literal address is bound as is
    // (the dev host and the tests on loopback). Ledger:RaftBindAddress overrides both.
    private static IPEndPoint ListenEndPoint(LedgerNodeOptions node, EndPoint self)
    {
        var port = self switch
        {
            IPEndPoint ip => ip.Port,
            DnsEndPoint dns => dns.Port,
            _ => throw new InvalidOperationException($"Unsupported Raft endpoint {self}."),
        };
        if (node.RaftBindAddress is { Length: > 0 } bind)
        {
            return new IPEndPoint(IPAddress.Parse(bind), port);
        }
        return self as IPEndPoint ?? new IPEndPoint(IPAddress.Any, port);
    }
}
