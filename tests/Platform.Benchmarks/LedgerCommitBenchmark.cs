using System.Diagnostics;
using System.Globalization;
using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Platform.Crypto;
using Platform.Crypto.Software;
using Platform.Ledger.Core;
using Platform.Ledger.Replication;
using Platform.SignedEvents;
using Platform.Testing;

namespace Platform.Benchmarks;

/// <summary>
/// Committed signed events per second and commit latency on a 3-replica Raft cluster in this process (loopback TCP,
/// persistent write-ahead logs in a temp folder), at several concurrency levels. Each signed event is checked once
/// on submit and again by every replica as it applies (the leader remembers its submit check). Workloads, each on a
/// fresh cluster: unsigned 8-byte entries (baseline), signed events one per Raft entry, and signed events with group
/// commit (SubmissionBatcher, the ledger node's own path). Beside them, the machine's verification bound measured in
/// the same run: cores ÷ (replicas × one ES256 verification).
/// </summary>
public static class LedgerCommitBenchmark
{
    public static async Task RunAsync(TimeSpan duration, int[] concurrencies)
    {
        Console.WriteLine($"Ledger commits: 3 replicas in one process, loopback TCP, persistent WAL, {duration.TotalSeconds:F0} s per row, {Environment.ProcessorCount} cores");
        // The verification cost is sampled before every workload and after the last (a shared machine's load moves
        // between rows); the bound uses the median sample.
        var samples = new List<VerificationCost.Cost> { await VerificationCost.MeasureAsync() };
        var rows = new List<Row>();

        // A fresh cluster per workload, so each starts from an empty log.
        await using (var cluster = await BenchCluster.StartAsync())
        {
            var baseline = new byte[8];
            foreach (var clients in concurrencies)
            {
                Print("unsigned 8-byte entries (baseline)", clients, await DriveAsync(duration, clients, () => baseline,
                    async (bytes, ct) => await cluster.AppendAsync(bytes, ct)), rows);
            }
        }

        samples.Add(await VerificationCost.MeasureAsync());
        await using (var cluster = await BenchCluster.StartAsync())
        {
            foreach (var clients in concurrencies)
            {
                var pool = await PreSignAsync(cluster.ConsentKey, EstimateNeeded(duration, clients));
                var next = -1;
                var result = await DriveAsync(duration, clients,
                    () => pool[Interlocked.Increment(ref next) % pool.Length],
                    async (bytes, ct) =>
                    {
                        var jws = PreValidate(cluster, bytes);
                        var (index, state) = await cluster.AppendAsync(new SubmitEvent(jws).ToBytes(), ct);
                        if (state.OutcomeAt(index)?.Status is not (SubmitStatus.Committed or SubmitStatus.Duplicate))
                        {
                            throw new InvalidOperationException("the event was not committed");
                        }
                    });
                pool = []; // not counted as replica memory
                Print("signed ES256, one per entry", clients, result, rows);
            }
            Console.WriteLine($"tree size after the run: {cluster.LeaderState.TreeSize}; all replicas at the same size: {await cluster.ConvergedAsync()}");
        }

        samples.Add(await VerificationCost.MeasureAsync());
        await using (var cluster = await BenchCluster.StartAsync())
        {
            // The ledger node's own path: pre-validate on the leader, then SubmissionBatcher puts concurrent
            // submissions into one SubmitBatch entry; every follower validates every event of it as it applies.
            await using var batcher = new SubmissionBatcher(async (batch, ct) =>
            {
                var (index, state) = await cluster.AppendAsync(batch.ToBytes(), ct);
                return state.OutcomesAt(index) ?? throw new InvalidOperationException("the batch's outcomes are not known");
            }, new GroupCommitOptions());
            foreach (var clients in concurrencies)
            {
                var pool = await PreSignAsync(cluster.ConsentKey, EstimateNeeded(duration, clients));
                var next = -1;
                var result = await DriveAsync(duration, clients,
                    () => pool[Interlocked.Increment(ref next) % pool.Length],
                    async (bytes, ct) =>
                    {
                        var outcome = await batcher.SubmitAsync(PreValidate(cluster, bytes), ct);
                        if (outcome.Status is not (SubmitStatus.Committed or SubmitStatus.Duplicate))
                        {
                            throw new InvalidOperationException($"the event was not committed ({outcome.ErrorCode})");
                        }
                    });
                pool = [];
                Print("signed ES256, group commit", clients, result, rows);
            }
            Console.WriteLine($"tree size after the run: {cluster.LeaderState.TreeSize}; all replicas at the same size: {await cluster.ConvergedAsync()}");
        }
        samples.Add(await VerificationCost.MeasureAsync());
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"one ES256 verification (reused key, one thread), sampled before each workload and after the last: {string.Join(", ", samples.Select(c => c.VerifyMicroseconds.ToString("F1", CultureInfo.InvariantCulture)))} µs; whole validation of a signed event: {string.Join(", ", samples.Select(c => c.ValidateMicroseconds.ToString("F1", CultureInfo.InvariantCulture)))} µs"));
        var bound = Bound(samples);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"verification bound = cores ÷ (replicas × verification) = {Environment.ProcessorCount} ÷ ({Replicas} × {Median(samples):F1} µs, the median sample) = {bound:F0} events/s (80 %: {bound * 0.8:F0})"));
        Console.WriteLine($"{"workload",-46} {"clients",8} {"commits/s",10} {"% bound",8} {"p50 ms",8} {"p99 ms",8} {"errors",7} {"heap MiB/replica",17} {"RSS MiB/replica",16}");
        foreach (var row in rows)
        {
            var rate = row.Result.Count / row.Result.Seconds;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{row.Workload,-46} {row.Clients,8} {rate,10:F0} {100 * rate / bound,7:F0}% {row.Result.P50,8:F2} {row.Result.P99,8:F2} {row.Result.Errors,7} {row.HeapMiB,17:F1} {row.RssMiB,16:F1}"));
            if (row.FirstError is { } error)
            {
                Console.WriteLine($"    first error: {error}");
            }
        }
    }

    private sealed record Row(string Workload, int Clients, Result Result, double HeapMiB, double RssMiB, string? FirstError);

    private static double Median(List<VerificationCost.Cost> samples) =>
        samples.Select(c => c.VerifyMicroseconds).Order().ElementAt(samples.Count / 2);

    private static double Bound(List<VerificationCost.Cost> samples) =>
        Environment.ProcessorCount / (Replicas * Median(samples) / 1_000_000);

    private const int Replicas = 3;

    // What LedgerNode.SubmitAsync does first: the leader checks the event (and remembers the pass for its own apply).
    private static string PreValidate(BenchCluster cluster, byte[] bytes)
    {
        var jws = System.Text.Encoding.ASCII.GetString(bytes);
        if (!cluster.LeaderState.Validate(jws).IsValid)
        {
            throw new InvalidOperationException("pre-validation refused a genuine event");
        }
        return jws;
    }

    /// <summary>Three replicas with a trusted consent key, in a temporary folder removed afterwards.</summary>
    private sealed class BenchCluster : IAsyncDisposable
    {
        private readonly string _root = Directory.CreateTempSubdirectory("bench-ledger-").FullName;
        private readonly LedgerState[] _states = new LedgerState[3];
        private readonly RaftReplica[] _replicas = new RaftReplica[3];
        private SoftwareKeyProvider _keys = null!;

        public RaftReplica Leader { get; private set; } = null!;
        public LedgerState LeaderState { get; private set; } = null!;
        public ISigningKey ConsentKey { get; private set; } = null!;

        public static async Task<BenchCluster> StartAsync()
        {
            var cluster = new BenchCluster();
            cluster._keys = new SoftwareKeyProvider(new SoftwareKeyProviderOptions { KeyDirectory = Path.Combine(cluster._root, "keys") }, NullLogger<SoftwareKeyProvider>.Instance);
            cluster.ConsentKey = await cluster._keys.GetSigningKeyAsync("consent-events", CancellationToken.None);
            var ports = FreePort.Allocate(3);
            for (var i = 0; i < 3; i++)
            {
                var state = cluster._states[i] = new LedgerState(new LedgerOptions { ReplicaCount = 3 });
                cluster._replicas[i] = new RaftReplica(new ReplicaOptions
                {
                    DataDirectory = Path.Combine(cluster._root, $"replica-{i}"),
                    RaftEndPoint = ports[i],
                    Members = ports,
                }, (index, command, _) =>
                {
                    state.Apply(index, command.Span);
                    return ValueTask.CompletedTask;
                }, NullLoggerFactory.Instance);
            }
            await Task.WhenAll(cluster._replicas.Select(r => r.StartAsync(CancellationToken.None)));
            await cluster._replicas[0].WaitForLeaderAsync(TimeSpan.FromSeconds(20), CancellationToken.None);
            // The new leader counts as leader once its first entry committed.
            while (!cluster._replicas.Any(r => r.IsLeader))
            {
                await Task.Delay(10);
            }
            cluster.Leader = cluster._replicas.Single(r => r.IsLeader);
            cluster.LeaderState = cluster._states[Array.IndexOf(cluster._replicas, cluster.Leader)];
            await cluster.Leader.AppendAsync(new RegisterPublisherKey("consent", cluster.ConsentKey.GetPublicJwk()).ToBytes(), TimeSpan.FromSeconds(10), CancellationToken.None);
            return cluster;
        }

        /// <summary>
        /// Appends through the current leader. On a machine this loaded an election can happen mid-row (a starved
        /// heartbeat): the call that hit the old leader fails and counts as an error, and later calls go to the new one.
        /// </summary>
        public async Task<(long Index, LedgerState State)> AppendAsync(byte[] bytes, CancellationToken ct)
        {
            var (leader, state) = (Leader, LeaderState);
            try
            {
                return (await leader.AppendAsync(bytes, TimeSpan.FromSeconds(10), ct), state);
            }
            catch (NotLeaderException)
            {
                await FollowLeaderAsync();
                throw;
            }
        }

        private async Task FollowLeaderAsync()
        {
            for (var wait = 0; wait < 500; wait++)
            {
                var index = Array.FindIndex(_replicas, r => r.IsLeader);
                if (index >= 0)
                {
                    (Leader, LeaderState) = (_replicas[index], _states[index]);
                    return;
                }
                await Task.Delay(10);
            }
        }

        // Followers apply a moment after the leader acknowledged; give them time to catch up before comparing.
        public async Task<bool> ConvergedAsync()
        {
            for (var wait = 0; wait < 200 && !_states.All(s => s.TreeSize == LeaderState.TreeSize); wait++)
            {
                await Task.Delay(50);
            }
            return _states.All(s => s.TreeSize == LeaderState.TreeSize);
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var replica in _replicas)
            {
                await replica.DisposeAsync();
            }
            _keys.Dispose();
            Directory.Delete(_root, recursive: true);
        }
    }

    // Enough distinct events that none repeats within a row (a repeat would be a cheaper duplicate).
    private static int EstimateNeeded(TimeSpan duration, int clients) => (int)Math.Min(200_000, 8_000 * duration.TotalSeconds + (clients * 10));

    private static async Task<byte[][]> PreSignAsync(ISigningKey key, int count)
    {
        var writer = new SignedEventWriter(key);
        var events = new byte[count][];
        for (var i = 0; i < count; i++)
        {
            var jws = await writer.SignAsync(new ConsentEventPayload
            {
                EventId = Guid.NewGuid(),
                Issuer = "consent",
                IssuedAt = 1_800_000_000,
                Subject = "pseud-" + i.ToString("x8", CultureInfo.InvariantCulture),
                ConsentId = Guid.NewGuid(),
                ConsentVersion = 1,
                ConsentHash = new string('c', 64),
                Action = "grant",
            }, CancellationToken.None);
            events[i] = System.Text.Encoding.ASCII.GetBytes(jws);
        }
        return events;
    }

    private sealed record Result(long Count, long Errors, double Seconds, double P50, double P99);

    private static async Task<Result> DriveAsync(TimeSpan duration, int clients, Func<byte[]> next, Func<byte[], CancellationToken, Task> commit)
    {
        var stopwatch = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
        {
            var latencies = new List<double>();
            long errors = 0;
            while (stopwatch.Elapsed < duration)
            {
                var item = next();
                var started = Stopwatch.GetTimestamp();
                try
                {
                    await commit(item, CancellationToken.None);
                    latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                }
                catch (Exception ex) when (ex is ReplicationException or InvalidOperationException or TimeoutException)
                {
                    errors++;
                    Interlocked.CompareExchange(ref _firstError, $"{ex.GetType().Name}: {ex.Message}", null);
                }
            }
            return (latencies, errors);
        })).ToArray();
        var results = await Task.WhenAll(workers);
        var all = results.SelectMany(r => r.latencies).Order().ToArray();
        return new Result(all.Length, results.Sum(r => r.errors), stopwatch.Elapsed.TotalSeconds,
            all.Length == 0 ? 0 : all[all.Length / 2], all.Length == 0 ? 0 : all[Math.Min(all.Length - 1, (int)(all.Length * 0.99))]);
    }

    private static string? _firstError;

    private static void Print(string workload, int clients, Result r, List<Row> rows)
    {
        // The replicas share this process: the managed heap after a full collection and the resident set, each divided
        // by the replicas. Both include the runtime and the load driver (its pre-signed events are dropped first),
        // so they are upper bounds per replica.
        var heap = GC.GetTotalMemory(forceFullCollection: true) / (double)Replicas / (1 << 20);
        var rss = Environment.WorkingSet / (double)Replicas / (1 << 20);
        rows.Add(new Row(workload, clients, r, heap, rss, Interlocked.Exchange(ref _firstError, null)));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  done: {workload}, {clients} clients, {r.Count / r.Seconds:F0}/s"));
    }
}
