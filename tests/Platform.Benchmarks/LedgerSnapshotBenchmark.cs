using System.Diagnostics;
using System.Globalization;
using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Platform.Crypto.Software;
using Platform.Ledger.Core;
using Platform.Ledger.Replication;
using Platform.SignedEvents;
using Platform.Testing;

namespace Platform.Benchmarks;

/// <summary>
/// Many signed events into one ledger replica (its own majority; persistent WAL with snapshots and compaction) to show
/// that the data directory's file count and the process's open handles stay bounded whatever the log length, and how
/// long a restart takes afterwards (newest snapshot plus the log after it).
/// </summary>
public static class LedgerSnapshotBenchmark
{
    private const int Clients = 64;
    private const int SignBatch = 20_000;

    public static async Task RunAsync(int events, long interval)
    {
        var root = Directory.CreateTempSubdirectory("bench-snapshots-").FullName;
        try
        {
            using var keys = new SoftwareKeyProvider(new SoftwareKeyProviderOptions { KeyDirectory = Path.Combine(root, "keys") }, NullLogger<SoftwareKeyProvider>.Instance);
            var consentKey = await keys.GetSigningKeyAsync("consent-events", CancellationToken.None);
            var endpoint = FreePort.Allocate(1)[0];
            var options = new ReplicaOptions
            {
                DataDirectory = Path.Combine(root, "replica"),
                RaftEndPoint = endpoint,
                Members = [endpoint],
                SnapshotInterval = interval,
            };
            Console.WriteLine($"Ledger snapshots: {events} signed events into one replica, snapshot every {interval} entries, {Clients} clients, {Environment.ProcessorCount} cores");
            Console.WriteLine($"{"events",10} {"files",6} {"open fds",9} {"snapshot at",12} {"data MiB",9} {"events/s",9}");

            var state = new LedgerState(new LedgerOptions());
            var replica = Start(options, state);
            await replica.StartAsync(CancellationToken.None);
            await replica.WaitForLeaderAsync(TimeSpan.FromSeconds(20), CancellationToken.None);
            await replica.AppendAsync(new RegisterPublisherKey("consent", consentKey.GetPublicJwk()).ToBytes(), TimeSpan.FromSeconds(10), CancellationToken.None);

            var writer = new SignedEventWriter(consentKey);
            var written = 0;
            var clock = Stopwatch.StartNew();
            var maxFiles = 0;
            var maxFds = 0;
            while (written < events)
            {
                var batch = Math.Min(SignBatch, events - written);
                var signed = new byte[batch][];
                for (var i = 0; i < batch; i++)
                {
                    signed[i] = new SubmitEvent(await writer.SignAsync(Payload(written + i), CancellationToken.None)).ToBytes();
                }
                var next = -1;
                await Task.WhenAll(Enumerable.Range(0, Clients).Select(_ => Task.Run(async () =>
                {
                    for (int i; (i = Interlocked.Increment(ref next)) < batch;)
                    {
                        await replica.AppendAsync(signed[i], TimeSpan.FromSeconds(30), CancellationToken.None);
                    }
                })));
                written += batch;
                var (files, bytes) = Files(options.DataDirectory);
                var fds = OpenFileDescriptors();
                (maxFiles, maxFds) = (Math.Max(maxFiles, files), Math.Max(maxFds, fds));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{written,10} {files,6} {fds,9} {replica.Status.Snapshot?.Index,12} {bytes / 1048576.0,9:F1} {written / clock.Elapsed.TotalSeconds,9:F0}"));
            }

            var treeSize = state.TreeSize;
            var root1 = state.ConsistencyProof(0, treeSize);
            await replica.DisposeAsync();

            var restarted = new LedgerState(new LedgerOptions());
            var restart = Stopwatch.StartNew();
            await using var again = Start(options, restarted);
            await again.StartAsync(CancellationToken.None);
            restart.Stop();
            var same = restarted.TreeSize == treeSize && restarted.ConsistencyProof(0, treeSize)!.SequenceEqual(root1!);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"max files {maxFiles}, max open fds {maxFds}; restart (snapshot at {again.Status.Snapshot?.Index} + log after it) {restart.Elapsed.TotalSeconds:F2} s; tree size {restarted.TreeSize}, same state: {same}"));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static RaftReplica Start(ReplicaOptions options, LedgerState state) =>
        new(options, (index, command, _) =>
        {
            state.Apply(index, command.Span);
            return ValueTask.CompletedTask;
        }, new StateSnapshots(state), NullLoggerFactory.Instance);

    private static ConsentEventPayload Payload(int i) => new()
    {
        EventId = Guid.NewGuid(),
        Issuer = "consent",
        IssuedAt = 1_800_000_000,
        Subject = "pseud-" + i.ToString("x8", CultureInfo.InvariantCulture),
        ConsentId = Guid.NewGuid(),
        ConsentVersion = 1,
        ConsentHash = new string('c', 64),
        Action = "grant",
    };

    private static (int Files, long Bytes) Files(string directory)
    {
        var files = new DirectoryInfo(directory).GetFiles("*", SearchOption.AllDirectories);
        return (files.Length, files.Sum(f => f.Length));
    }

    // Every open handle of this process (files, memory-mapped WAL pages, sockets): what "Too many open files" counts.
    private static int OpenFileDescriptors() => Directory.GetFiles("/proc/self/fd").Length;

    private sealed class StateSnapshots(LedgerState state) : ISnapshottableState
    {
        public ValueTask WriteSnapshotAsync(Stream destination, CancellationToken ct) => state.WriteSnapshotAsync(destination, ct);

        public ValueTask RestoreSnapshotAsync(Stream source, CancellationToken ct) => state.RestoreSnapshotAsync(source, ct);
    }
}
