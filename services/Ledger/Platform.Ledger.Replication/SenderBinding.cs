using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using DotNext.Net.Cluster;

namespace Platform.Ledger.Replication;

/// <summary>
/// Which Raft senders one incoming connection may speak as: the replicas whose endpoint host its client certificate
/// names (as a TLS client names the member it dials: DNS names, wildcards, addresses). A request whose sender is a
/// replica this replica knows (the membership, the configured members, itself, and <see cref="ReplicaOptions.KnownEndPoints"/>)
/// but the certificate does not name is refused.
/// </summary>
/// <remarks>
/// A sender this replica knows no endpoint for is let through: DotNext takes it for no member (its votes do not
/// count, and it can be no known replica), and a replica that leads before this one learnt its endpoint (a joining
/// replica follows whoever leads) must still be heard. Checked with mutual TLS only: without a certificate a
/// connection proves no identity to bind to.
/// </remarks>
internal sealed class SenderBinding(X509Certificate2 certificate, Func<IEnumerable<EndPoint>> known)
{
    // Senders already found to be named by the certificate: a connection speaks for one replica, checked once.
    private readonly ConcurrentDictionary<ClusterMemberId, byte> _allowed = new();

    /// <summary>Why the connection may not speak as <paramref name="sender"/>, or null when it may.</summary>
    internal string? Refusal(ClusterMemberId sender)
    {
        if (_allowed.ContainsKey(sender))
            return null;
        string? claimed = null;
        foreach (var endpoint in known())
        {
            if (ClusterMemberId.FromEndPoint(endpoint) != sender)
                continue;
            if (certificate.MatchesHostname(Host(endpoint)))
            {
                _allowed.TryAdd(sender, 0);
                return null;
            }
            claimed ??= RaftEndPoints.Format(endpoint);
        }
        return claimed is null ? null : $"it spoke as replica {claimed}, which its certificate does not name";
    }

    /// <summary>The certificate's subject, for the log (a name, not a secret).</summary>
    internal string Subject => certificate.Subject;

    private static string Host(EndPoint endpoint) => endpoint switch
    {
        DnsEndPoint dns => dns.Host,
        IPEndPoint ip => ip.Address.ToString(),
        _ => endpoint.ToString() ?? "",
    };
}
