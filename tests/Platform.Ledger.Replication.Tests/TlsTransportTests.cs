using System.Net;
using Platform.Ledger.Replication.Tests.Support;
using Platform.Testing;
using Xunit.Abstractions;

namespace Platform.Ledger.Replication.Tests;

/// <summary>Mutual TLS on the Raft transport: peers from the configured CA replicate; anyone else is refused.</summary>
public sealed class TlsTransportTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);
    private readonly ReplicaCertificateAuthority _authority = ReplicaCertificateAuthority.Create("test ledger raft CA", Lifetime);
    private readonly ReplicaCertificateAuthority _stranger = ReplicaCertificateAuthority.Create("another ledger raft CA", Lifetime);

    [Fact]
    public async Task A_cluster_with_mutual_TLS_commits_and_replicates()
    {
        await using var cluster = await TestCluster.StartAsync(3, output, named: true, tls: i => Tls(_authority, i));
        var commands = Enumerable.Range(0, 20).Select(i => $"tls-{i}").ToArray();
        await cluster.AppendAllAsync(commands);

        await TestCluster.WaitForConvergenceAsync(cluster.Nodes, commands);
        Assert.All(cluster.Nodes, n => Assert.True(n.Replica.Status.Tls));
        Assert.All(cluster.Nodes, n => Assert.Equal(0, n.Replica.Status.RefusedConnections));
    }

    [Theory]
    [InlineData("a certificate from another CA")]
    [InlineData("no TLS at all")]
    public async Task A_replica_the_others_cannot_authenticate_is_refused_and_never_receives_an_entry(string intruder)
    {
        // replica-2 trusts the right CA, but presents a certificate from another one (or speaks plaintext).
        await using var cluster = await TestCluster.StartAsync(3, output, named: true, tls: i => i < 2
            ? Tls(_authority, i)
            : intruder == "no TLS at all" ? null : new ReplicaTls(Issue(_stranger, i), [_authority.Certificate]));
        var honest = cluster.Nodes.Take(2).ToList();
        var rogue = cluster.Nodes[2];

        // The two honest replicas are a majority of three: they elect a leader and commit without the third.
        await Eventually.TrueAsync(() => honest.Count(n => n.Replica.IsLeader) == 1, "a leader among the two honest replicas", TestCluster.ConvergenceTimeout);
        var leader = honest.Single(n => n.Replica.IsLeader);
        for (var i = 0; i < 10; i++)
            await leader.Replica.AppendAsync(TestCluster.Bytes($"honest-{i}"), TestCluster.AppendTimeout, CancellationToken.None);

        await Eventually.TrueAsync(() => honest.Sum(n => n.Replica.Status.RefusedConnections) > 0, "the honest replicas to refuse the intruder's connections", TestCluster.ConvergenceTimeout);
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Equal(0, rogue.Log.Count);
        Assert.Null(rogue.Replica.Leader);
        Assert.Equal(10, honest.Select(n => n.Log.Count).Max());
    }

    [Fact]
    public async Task When_the_trust_changes_open_connections_of_a_peer_no_longer_trusted_are_closed_and_it_receives_nothing_more()
    {
        // replica-0 and replica-1 trust through a trust that can change (as a consortium's follows governance).
        var trusts = new[] { new ChangingTrust(_authority), new ChangingTrust(_authority) };
        var tls = new ReplicaTls?[3];
        await using var cluster = await TestCluster.StartAsync(3, output, named: true,
            tls: i => tls[i] = i < 2 ? new ReplicaTls(Issue(_authority, i), trusts[i]) : Tls(_authority, i));
        string[] before = ["before-0", "before-1", "before-2"];
        await cluster.AppendAllAsync(before);
        await TestCluster.WaitForConvergenceAsync(cluster.Nodes, before); // every link has carried entries: connections are open

        foreach (var trust in trusts)
            trust.Refuse("replica-2");
        var honest = cluster.Nodes.Take(2).ToList();
        var cutOff = cluster.Nodes[2];
        await Eventually.TrueAsync(() => honest.Count(n => n.Replica.IsLeader) == 1 && honest.All(n => n.Replica.Leader is not null && !n.Replica.Leader.Equals(cutOff.EndPoint)),
            "a leader among the two replicas that still trust each other", TestCluster.ConvergenceTimeout);
        var leader = honest.Single(n => n.Replica.IsLeader);
        var held = cutOff.Log.Count;
        for (var i = 0; i < 10; i++)
            await leader.Replica.AppendAsync(TestCluster.Bytes($"after-{i}"), TestCluster.AppendTimeout, CancellationToken.None);

        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Equal(held, cutOff.Log.Count);
        Assert.True(tls[0]!.Revoked + tls[1]!.Revoked > 0, "no open connection was closed when the trust changed");
    }

    /// <summary>Trusts one CA, and can stop trusting a peer by name (its certificate's subject) while replicas run.</summary>
    private sealed class ChangingTrust(ReplicaCertificateAuthority ca) : IPeerTrust
    {
        private volatile string? _refused;

        public System.Security.Cryptography.X509Certificates.X509Certificate2Collection Authorities { get; } = [ca.Certificate];

        public event Action? Changed;

        public string? Refusal(System.Security.Cryptography.X509Certificates.X509Certificate2 leaf, System.Security.Cryptography.X509Certificates.X509Certificate2 anchor) =>
            leaf.GetNameInfo(System.Security.Cryptography.X509Certificates.X509NameType.SimpleName, forIssuer: false) == _refused ? "no longer trusted" : null;

        public void Refuse(string name)
        {
            _refused = name;
            Changed?.Invoke();
        }
    }

    private static ReplicaTls Tls(ReplicaCertificateAuthority ca, int i) => ca.TlsFor(Issue(ca, i));

    // The test cluster names member i "replica-i" (resolved to 127.0.0.(10+i)).
    private static System.Security.Cryptography.X509Certificates.X509Certificate2 Issue(ReplicaCertificateAuthority ca, int i) =>
        ca.Issue($"replica-{i}", [$"replica-{i}"], [IPAddress.Parse($"127.0.0.{10 + i}")], Lifetime);

    public void Dispose()
    {
        _authority.Dispose();
        _stranger.Dispose();
    }
}
