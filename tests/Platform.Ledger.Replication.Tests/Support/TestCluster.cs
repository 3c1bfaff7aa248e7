using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging;
using Platform.Testing;
using Xunit.Abstractions;

namespace Platform.Ledger.Replication.Tests.Support;

/// <summary>Real replicas on OS-assigned loopback ports, each with its WAL in a temp directory deleted on dispose.</summary>
internal sealed class TestCluster : IAsyncDisposable
{
    public static readonly TimeSpan AppendTimeout = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan ConvergenceTimeout = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan StableLeadership = TimeSpan.FromMilliseconds(300);

    // Somewhat above the 150-300 ms default: a CI machine busy with other test processes must not
    // see heartbeats late enough to trigger spurious elections.
    private static readonly TimeSpan LowerElectionTimeout = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan UpperElectionTimeout = TimeSpan.FromMilliseconds(500);

    private readonly string _root = Path.Combine(Path.GetTempPath(), "raft-replication-tests", Guid.NewGuid().ToString("N"));
    private readonly ILoggerFactory _loggerFactory;

    private TestCluster(int size, ITestOutputHelper output, bool named = false, Func<int, ReplicaTls?>? tls = null, int? initialMembers = null, long snapshotInterval = 0)
    {
        _loggerFactory = LoggerFactory.Create(builder => builder.AddProvider(new TestOutputLoggerProvider(output)));
        var ports = FreePort.Allocate(size);

        // Named: member i is "replica-i", found through Names (the test's DNS) at its own loopback address 127.0.0.(10+i).
        EndPoint[] members = named
            ? [.. ports.Select((p, i) => new DnsEndPoint($"replica-{i}", p.Port))]
            : ports;
        if (named)
        {
            for (var i = 0; i < size; i++)
                Names[$"replica-{i}"] = IPAddress.Parse($"127.0.0.{10 + i}");
        }

        Nodes = [.. members.Select((endpoint, i) => new TestNode(
            new ReplicaOptions
            {
                DataDirectory = Path.Combine(_root, $"replica-{i}"),
                RaftEndPoint = endpoint,
                Members = members[..(initialMembers ?? size)],
                Identity = named ? $"test-ledger/replica-{i}" : null,
                ListenEndPoint = named ? new IPEndPoint(Names[$"replica-{i}"], ports[i].Port) : null,
                ResolveHost = named ? Resolve : null,
                LowerElectionTimeout = LowerElectionTimeout,
                UpperElectionTimeout = UpperElectionTimeout,
                SnapshotInterval = snapshotInterval,
                Tls = tls?.Invoke(i),
            },
            _loggerFactory))];
    }

    /// <summary>The name service of a named cluster: change an entry to move a member, as a DNS record changes.</summary>
    public ConcurrentDictionary<string, IPAddress> Names { get; } = new();

    private ValueTask<IPAddress[]> Resolve(string host, CancellationToken ct) =>
        Names.TryGetValue(host, out var address)
            ? ValueTask.FromResult<IPAddress[]>([address])
            : ValueTask.FromException<IPAddress[]>(new SocketException((int)SocketError.HostNotFound));

    public IReadOnlyList<TestNode> Nodes { get; }

    public IEnumerable<TestNode> Running => Nodes.Where(n => n.IsRunning);

    /// <param name="initialMembers">How many of the nodes form the initial membership (all by default); the others are
    /// created outside it, not started, to be started and added by the test.</param>
    /// <param name="snapshotInterval">0: no snapshots (the log is kept whole); otherwise every node snapshots its applied log this often.</param>
    public static async Task<TestCluster> StartAsync(
        int size, ITestOutputHelper output, bool named = false, Func<int, ReplicaTls?>? tls = null, int? initialMembers = null, long snapshotInterval = 0)
    {
        var cluster = new TestCluster(size, output, named, tls, initialMembers, snapshotInterval);
        try
        {
            await Task.WhenAll(cluster.Nodes.Take(initialMembers ?? size).Select(n => n.StartAsync()));
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    public static ReadOnlyMemory<byte> Bytes(string command) => Encoding.UTF8.GetBytes(command);

    /// <summary>
    /// Waits until exactly one running node leads, every running node knows it, and that has held for a
    /// moment (a leader elected while processes are still warming up may be deposed at once).
    /// </summary>
    public async Task<TestNode> WaitForLeaderAsync()
    {
        (TestNode Node, long Term)? candidate = null;
        var since = Stopwatch.StartNew();
        await Eventually.TrueAsync(
            () =>
            {
                var current = CurrentLeader();
                if (current != candidate)
                    (candidate, since) = (current, Stopwatch.StartNew());
                return candidate is not null && since.Elapsed >= StableLeadership;
            },
            "a stable leader known to every running replica",
            ConvergenceTimeout);
        return candidate!.Value.Node;
    }

    private (TestNode Node, long Term)? CurrentLeader()
    {
        // Nodes waiting to be added (outside the membership) follow nobody yet and do not count.
        var running = Running.Select(n => (Node: n, Replica: n.ReplicaOrNull))
            .Where(n => n.Replica is not null && n.Replica.Members.Contains(n.Node.EndPoint)).ToList();
        var leaders = running.Where(n => n.Replica!.IsLeader).ToList();
        return leaders.Count == 1 && running.All(n => Equals(n.Replica!.Leader, leaders[0].Node.EndPoint))
            ? (leaders[0].Node, leaders[0].Replica!.Status.Term)
            : null;
    }

    /// <summary>
    /// Appends one command on the current leader, the way an idempotent client must: after a rejection it
    /// asks the next leader whether the command committed after all, and only otherwise sends it again.
    /// </summary>
    /// <returns>The command's log index.</returns>
    public async Task<long> AppendAsync(string command)
    {
        for (var attempt = 1; ; attempt++)
        {
            var leader = CurrentLeader()?.Node ?? await WaitForLeaderAsync();
            try
            {
                return await leader.Replica.AppendAsync(Bytes(command), AppendTimeout, CancellationToken.None);
            }
            catch (ReplicationException) when (attempt < 5)
            {
                // A live leader has committed its no-op, so everything it will ever keep from older terms is
                // committed too: once it has applied that, the command is either in its log or lost for good.
                var next = await WaitForLeaderAsync();
                var status = next.Replica.Status;
                await Eventually.TrueAsync(() => next.Replica.Status.LastAppliedIndex >= status.CommitIndex, "the new leader to apply its committed log", ConvergenceTimeout);
                if (next.Log.Snapshot().FirstOrDefault(a => a.Command == command) is { } applied)
                    return applied.Index;
            }
        }
    }

    /// <summary>Appends each command in turn (see <see cref="AppendAsync(string)"/>) and returns their indexes.</summary>
    public async Task<long[]> AppendAllAsync(IEnumerable<string> commands)
    {
        var indexes = new List<long>();
        foreach (var command in commands)
            indexes.Add(await AppendAsync(command));
        return [.. indexes];
    }

    /// <summary>
    /// Waits until <paramref name="nodes"/> applied every one of <paramref name="commands"/> and have nothing
    /// committed left to apply, with equally long applied sequences (equal length of a shared log prefix).
    /// </summary>
    public static Task WaitForConvergenceAsync(IReadOnlyCollection<TestNode> nodes, IReadOnlyCollection<string> commands) =>
        Eventually.TrueAsync(
            () =>
            {
                var statuses = nodes.Select(n => n.ReplicaOrNull?.Status).ToList();
                return statuses.All(s => s is not null && s.LastAppliedIndex == s.CommitIndex)
                    && statuses.Select(s => s!.CommitIndex).Distinct().Count() == 1
                    && nodes.Select(n => n.Log.Count).Distinct().Count() == 1
                    && nodes.All(n => commands.All(n.Log.Contains));
            },
            $"{string.Join(", ", nodes)} to apply the same {commands.Count}+ commands",
            ConvergenceTimeout);

    public async ValueTask DisposeAsync()
    {
        foreach (var node in Running.ToList())
            await node.KillAsync();
        _loggerFactory.Dispose();
        for (var attempt = 0; Directory.Exists(_root); attempt++)
        {
            try
            {
                Directory.Delete(_root, recursive: true);
            }
            catch (IOException) when (attempt < 10)
            {
                await Task.Delay(100);
            }
        }
    }
}
