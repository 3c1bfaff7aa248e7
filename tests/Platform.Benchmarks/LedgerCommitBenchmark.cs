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
/// on submit and again by every replica as it applies. Baseline, same cluster, same run: unsigned 8-byte entries.
/// </summary>
public static class LedgerCommitBenchmark
{
    public static async Task RunAsync(TimeSpan duration, int[] concurrencies)
    {
        var root = Directory.CreateTempSubdirectory("bench-ledger-").FullName;
        try
        {
            using var keys = new SoftwareKeyProvider(new SoftwareKeyProviderOptions { KeyDirectory = Path.Combine(root, "keys") }, NullLogger<SoftwareKeyProvider>.Instance);
            var consentKey = await keys.GetSigningKeyAsync("consent-events", CancellationToken.None);
            var ports = Enumerable.Range(0, 3).Select(_ => new IPEndPoint(IPAddress.Loopback, FreePort.Next())).ToArray();
            var states = new LedgerState[3];
            var replicas = new RaftReplica[3];
            for (var i = 0; i < 3; i++)
            {
                var state = states[i] = new LedgerState(new LedgerOptions { ReplicaCount = 3 });
                replicas[i] = new RaftReplica(new ReplicaOptions
                {
                    DataDirectory = Path.Combine(root, $"replica-{i}"),
                    RaftEndPoint = ports[i],
                    Members = ports,
                }, (index, command, _) =>
                {
                    state.Apply(index, command.Span);
                    return ValueTask.CompletedTask;
                }, NullLoggerFactory.Instance);
            }
            await Task.WhenAll(replicas.Select(r => r.StartAsync(CancellationToken.None)));
            await replicas[0].WaitForLeaderAsync(TimeSpan.FromSeconds(20), CancellationToken.None);
            // The new leader counts as leader once its first entry committed.
            while (!replicas.Any(r => r.IsLeader))
            {
                await Task.Delay(10);
            }
            var leader = replicas.Single(r => r.IsLeader);
            var leaderState = states[Array.IndexOf(replicas, leader)];
            await leader.AppendAsync(new RegisterPublisherKey("consent", consentKey.GetPublicJwk()).ToBytes(), TimeSpan.FromSeconds(10), CancellationToken.None);

            Console.WriteLine($"Ledger commits: 3 replicas in one process, loopback TCP, persistent WAL, {duration.TotalSeconds:F0} s per row, {Environment.ProcessorCount} cores");
            Console.WriteLine($"{"workload",-36} {"clients",8} {"commits/s",10} {"p50 ms",8} {"p99 ms",8} {"errors",7}");
            var baseline = new byte[8];
            foreach (var clients in concurrencies)
            {
                Print("unsigned 8-byte entries (baseline)", clients, await DriveAsync(duration, clients, _ => Task.FromResult(baseline),
                    async (bytes, ct) => await leader.AppendAsync(bytes, TimeSpan.FromSeconds(10), ct)));
            }
            foreach (var clients in concurrencies)
            {
                var pool = await PreSignAsync(consentKey, EstimateNeeded(duration, clients));
                var next = -1;
                Print("signed consent events (ES256)", clients, await DriveAsync(duration, clients,
                    _ => Task.FromResult(pool[Interlocked.Increment(ref next) % pool.Length]),
                    async (bytes, ct) =>
                    {
                        var jws = System.Text.Encoding.ASCII.GetString(bytes);
                        if (!leaderState.Validate(jws).IsValid)
                        {
                            throw new InvalidOperationException("pre-validation refused a genuine event");
                        }
                        var index = await leader.AppendAsync(new SubmitEvent(jws).ToBytes(), TimeSpan.FromSeconds(10), ct);
                        if (leaderState.OutcomeAt(index)?.Status is not (SubmitStatus.Committed or SubmitStatus.Duplicate))
                        {
                            throw new InvalidOperationException("the event was not committed");
                        }
                    }));
            }
            // Followers apply a moment after the leader acknowledged; give them time to catch up before comparing.
            for (var wait = 0; wait < 200 && !states.All(s => s.TreeSize == leaderState.TreeSize); wait++)
            {
                await Task.Delay(50);
            }
            Console.WriteLine($"tree size after the run: {leaderState.TreeSize}; all replicas at the same size: {states.All(s => s.TreeSize == leaderState.TreeSize)}");
            foreach (var replica in replicas)
            {
                await replica.DisposeAsync();
            }
        }
        finally
        {
            Directory.Delete(root, recursive: true);
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

    private static async Task<Result> DriveAsync(TimeSpan duration, int clients, Func<int, Task<byte[]>> next, Func<byte[], CancellationToken, Task> commit)
    {
        var stopwatch = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
        {
            var latencies = new List<double>();
            long errors = 0;
            while (stopwatch.Elapsed < duration)
            {
                var item = await next(0);
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

    private static void Print(string workload, int clients, Result r)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{workload,-36} {clients,8} {r.Count / r.Seconds,10:F0} {r.P50,8:F2} {r.P99,8:F2} {r.Errors,7}"));
        if (Interlocked.Exchange(ref _firstError, null) is { } error)
        {
            Console.WriteLine($"    first error: {error}");
        }
    }
}
