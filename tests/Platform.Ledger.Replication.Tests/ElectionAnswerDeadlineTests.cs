using System.Net;
using System.Net.Sockets;
using Platform.Ledger.Replication.Tests.Support;
using Xunit.Abstractions;

namespace Platform.Ledger.Replication.Tests;

/// <summary>
/// A member behind a partition accepts connections and never answers (as the fault harness's proxy does; a TLS
/// handshake with it never completes). DotNext's candidate waits for every member's vote until its own election
/// timeout, and the request timeout is long (30 s, for snapshots): unless the wait for a connection to it is shorter
/// than any election timeout, no candidate can ever win. The two reachable members must elect a leader and commit.
/// </summary>
public sealed class ElectionAnswerDeadlineTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);
    private readonly ReplicaCertificateAuthority _authority = ReplicaCertificateAuthority.Create("test ledger raft CA", Lifetime);

    public void Dispose() => _authority.Dispose();

    private ReplicaTls Tls(int i) =>
        _authority.TlsFor(_authority.Issue($"replica-{i}", [$"replica-{i}"], [IPAddress.Parse($"127.0.0.{10 + i}")], Lifetime));

    [Fact]
    public async Task Two_members_elect_a_leader_and_commit_while_the_third_accepts_connections_and_never_answers()
    {
        await using var cluster = await TestCluster.StartAsync(3, output, named: true, tls: Tls);
        await cluster.AppendAllAsync(["before"]);
        var leader = await cluster.WaitForLeaderAsync();
        var silent = cluster.Nodes.First(n => n != leader);
        var other = cluster.Nodes.First(n => n != leader && n != silent);
        Assert.Equal(TimeSpan.FromSeconds(30), silent.Options.RequestTimeout);

        // The silent member's port now belongs to a black hole: connections are accepted, nothing is ever read or sent.
        await silent.KillAsync();
        await using var blackHole = BlackHole.Listen(silent.Options.ListenEndPoint!);

        // Depose the leader: the remaining two must hold an election in which the silent member never answers.
        await leader.KillAsync();
        await leader.StartAsync();
        var elected = await cluster.WaitForLeaderAsync();
        Assert.Contains(elected, new[] { leader, other });

        await cluster.AppendAllAsync(["after"]);
        await TestCluster.WaitForConvergenceAsync([leader, other], ["before", "after"]);
        Assert.True(blackHole.Accepted > 0, "no vote or entry was ever sent to the silent member: the test proved nothing");
    }

    /// <summary>Accepts TCP connections and holds them without reading or answering, like a partitioned peer.</summary>
    private sealed class BlackHole : IAsyncDisposable
    {
        private readonly Socket _listener;
        private readonly List<Socket> _held = [];
        private readonly Task _loop;
        private int _accepted;

        private BlackHole(IPEndPoint endpoint)
        {
            _listener = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            _listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            _listener.Bind(endpoint);
            _listener.Listen(64);
            _loop = AcceptAsync();
        }

        public int Accepted => Volatile.Read(ref _accepted);

        public static BlackHole Listen(IPEndPoint endpoint) => new(endpoint);

        private async Task AcceptAsync()
        {
            while (true)
            {
                try
                {
                    var socket = await _listener.AcceptAsync();
                    lock (_held)
                        _held.Add(socket);
                    Interlocked.Increment(ref _accepted);
                }
                catch (Exception e) when (e is SocketException or ObjectDisposedException)
                {
                    return;
                }
            }
        }

        public async ValueTask DisposeAsync()
        {
            _listener.Dispose();
            await _loop;
            lock (_held)
            {
                foreach (var socket in _held)
                    socket.Dispose();
            }
        }
    }
}
