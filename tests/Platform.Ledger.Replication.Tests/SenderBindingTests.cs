using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using DotNext.Net.Cluster;
using Platform.Ledger.Replication.Tests.Support;
using Platform.Testing;
using Xunit.Abstractions;

namespace Platform.Ledger.Replication.Tests;

/// <summary>
/// Raft requests bound to the certificate of the connection they arrive on: a peer holding a valid certificate for
/// replica-1 may speak as replica-1, never as replica-2. The requests are DotNext 6.12's own bytes, written by hand
/// over a real mutual TLS session to a running replica.
/// </summary>
public sealed class SenderBindingTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);

    // DotNext's message types (NetworkTransport/MessageType.cs) and the size of each request's fixed part after the
    // type byte in 6.12: the sender's ClusterMemberId (28 bytes) first, then terms, indexes and the state version.
    private const byte Vote = 1;
    private const byte AppendEntries = 4;
    private const byte PreVote = 7;

    private readonly ReplicaCertificateAuthority _authority = ReplicaCertificateAuthority.Create("test ledger raft CA", Lifetime);

    [Theory]
    [InlineData(Vote, 56)]
    [InlineData(PreVote, 56)]
    [InlineData(AppendEntries, 68)]
    public async Task A_request_speaking_for_a_replica_the_certificate_does_not_name_closes_the_connection_and_is_counted(byte type, int size)
    {
        await using var cluster = await TestCluster.StartAsync(3, output, named: true, tls: i => Tls(i));
        await cluster.AppendAllAsync(["before"]);
        var target = cluster.Nodes[0];
        var before = target.Replica.Status;

        // replica-1's own certificate, speaking as replica-2.
        await using var forged = await ConnectAsync(cluster, target, Issue(1));
        await forged.WriteAsync(Request(type, size, cluster.Nodes[2].EndPoint));
        await forged.FlushAsync();
        Assert.Equal(0, await ReadAnswerAsync(forged));
        await Eventually.TrueAsync(() => target.Replica.Status.RefusedSenders == before.RefusedSenders + 1, "the refused sender to be counted", TestCluster.ConvergenceTimeout);

        // The same certificate speaking as itself is answered, on a new connection and again on the same one.
        await using var honest = await ConnectAsync(cluster, target, Issue(1));
        for (var i = 0; i < 2; i++)
        {
            await honest.WriteAsync(Request(type, size, cluster.Nodes[1].EndPoint));
            await honest.FlushAsync();
            Assert.True(await ReadAnswerAsync(honest) > 0, "a request speaking for the certificate's own replica was not answered");
        }
        Assert.Equal(before.RefusedSenders + 1, target.Replica.Status.RefusedSenders);

        // The cluster carries on, and no honest connection was refused.
        string[] after = ["after-0", "after-1"];
        await cluster.AppendAllAsync(after);
        await TestCluster.WaitForConvergenceAsync(cluster.Nodes, after);
        Assert.All(cluster.Nodes.Skip(1), n => Assert.Equal(0, n.Replica.Status.RefusedSenders));
    }

    [Fact]
    public async Task A_request_speaking_for_the_replica_it_is_sent_to_is_refused()
    {
        await using var cluster = await TestCluster.StartAsync(3, output, named: true, tls: i => Tls(i));
        var target = cluster.Nodes[0];
        await using var forged = await ConnectAsync(cluster, target, Issue(1));
        await forged.WriteAsync(Request(Vote, 56, target.EndPoint));
        await forged.FlushAsync();
        Assert.Equal(0, await ReadAnswerAsync(forged));
        Assert.Equal(1, target.Replica.Status.RefusedSenders);
    }

    // The request's fixed part: the sender's id, then zeros (term 0: refused by Raft, but answered).
    private static byte[] Request(byte type, int size, EndPoint sender)
    {
        var bytes = new byte[1 + size];
        bytes[0] = type;
        ClusterMemberId.FromEndPoint(sender).Format(bytes.AsSpan(1, ClusterMemberId.Size));
        return bytes;
    }

    private static async Task<SslStream> ConnectAsync(TestCluster cluster, TestNode target, X509Certificate2 certificate)
    {
        var name = ((DnsEndPoint)target.EndPoint).Host;
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(new IPEndPoint(cluster.Names[name], ((DnsEndPoint)target.EndPoint).Port));
        var stream = new SslStream(new NetworkStream(socket, ownsSocket: true));
        await stream.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = name,
            ClientCertificates = [certificate],
            EnabledSslProtocols = SslProtocols.Tls13,
            RemoteCertificateValidationCallback = (_, _, _, _) => true,
        });
        return stream;
    }

    // The number of answer bytes, 0 when the replica closed the connection instead.
    private static async Task<int> ReadAnswerAsync(SslStream stream)
    {
        using var deadline = new CancellationTokenSource(TestCluster.ConvergenceTimeout);
        try
        {
            return await stream.ReadAsync(new byte[64], deadline.Token);
        }
        catch (IOException)
        {
            return 0;
        }
    }

    private ReplicaTls Tls(int i) => _authority.TlsFor(Issue(i));

    // The test cluster names member i "replica-i" (resolved to 127.0.0.(10+i)).
    private X509Certificate2 Issue(int i) =>
        _authority.Issue($"replica-{i}", [$"replica-{i}"], [IPAddress.Parse($"127.0.0.{10 + i}")], Lifetime);

    public void Dispose() => _authority.Dispose();
}
