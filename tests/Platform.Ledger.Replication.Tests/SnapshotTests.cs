using Platform.Ledger.Replication.Tests.Support;
using Platform.Testing;
using Xunit.Abstractions;

namespace Platform.Ledger.Replication.Tests;

public sealed class SnapshotTests(ITestOutputHelper output)
{
    private const long Interval = 40;

    // 48 KiB commands: 240 of them fill about three of the WAL's 4 MiB chunk files.
    private static string[] Commands(string prefix, int count) =>
        [.. Enumerable.Range(0, count).Select(i => $"{prefix}-{i:D4}-" + new string((char)('a' + (i % 26)), 48 * 1024))];

    [Fact]
    public async Task Snapshots_truncate_the_log_behind_them_and_a_restart_starts_from_the_newest()
    {
        await using var cluster = await TestCluster.StartAsync(3, output, snapshotInterval: Interval);
        var leader = await cluster.WaitForLeaderAsync();
        var commands = Commands("c", 240);
        await cluster.AppendAllAsync(commands);
        await TestCluster.WaitForConvergenceAsync(cluster.Nodes, commands);

        foreach (var node in cluster.Nodes)
        {
            var snapshot = node.Replica.Status.Snapshot!;
            Assert.True(snapshot.Taken >= 4, $"{node} took {snapshot.Taken} snapshots");
            Assert.True(snapshot.Index >= 200, $"{node}'s newest snapshot is at {snapshot.Index}");
            // The WAL deletes the chunk files behind the snapshot and DotNext the older snapshot files.
            await Eventually.TrueAsync(() => Files(node, "wal/data") <= 3 && Files(node, "snapshots") <= 3,
                $"{node} to delete what its snapshots cover (data chunks {Files(node, "wal/data")}, snapshots {Files(node, "snapshots")})",
                TestCluster.ConvergenceTimeout);
        }

        var follower = cluster.Nodes.First(n => n != leader);
        var before = follower.Log.Snapshot();
        await follower.StopAsync();
        await follower.StartAsync();

        // The restart restored the snapshot and replayed only the log after it: the same commands at the same indexes.
        var status = follower.Replica.Status.Snapshot!;
        Assert.Equal(1, status.Installed);
        Assert.True(status.Index >= 200);
        Assert.Equal(before.Take(follower.Log.Count), follower.Log.Snapshot());
        await TestCluster.WaitForConvergenceAsync(cluster.Nodes, commands);
        Assert.Equal(before, follower.Log.Snapshot());
    }

    [Fact]
    public async Task A_replica_whose_volume_was_wiped_catches_up_from_the_leaders_snapshot()
    {
        await using var cluster = await TestCluster.StartAsync(3, output, snapshotInterval: Interval);
        var leader = await cluster.WaitForLeaderAsync();
        var wiped = cluster.Nodes.First(n => n != leader);
        var first = Commands("first", 120);
        await cluster.AppendAllAsync(first);
        await TestCluster.WaitForConvergenceAsync(cluster.Nodes, first);

        await wiped.KillAsync();
        wiped.DataDirectory.Delete(recursive: true);
        var second = Commands("second", 60);
        await cluster.AppendAllAsync(second);

        await wiped.StartAsync();
        Assert.Equal(0, wiped.Replica.Status.Snapshot!.Installed);
        await TestCluster.WaitForConvergenceAsync(cluster.Nodes, [.. first, .. second]);

        // The leader's log no longer starts at index 1, so the only way back was its snapshot.
        Assert.True(wiped.Replica.Status.Snapshot!.Installed >= 1, "the wiped replica installed a snapshot from the leader");
        var reference = leader.Log.Snapshot();
        Assert.Equal(reference, wiped.Log.Snapshot());
        Assert.Equal([.. first, .. second], reference.Select(c => c.Command));
    }

    [Fact]
    public async Task A_corrupted_snapshot_refuses_to_start_instead_of_restoring_garbage()
    {
        await using var cluster = await TestCluster.StartAsync(1, output, snapshotInterval: 10);
        var node = cluster.Nodes[0];
        await cluster.WaitForLeaderAsync();
        await cluster.AppendAllAsync([.. Enumerable.Range(0, 35).Select(i => $"corrupt-me-{i}")]);
        await Eventually.TrueAsync(() => node.Replica.Status.Snapshot!.Index >= 30, "snapshots up to entry 30", TestCluster.ConvergenceTimeout);
        await node.StopAsync();

        // Flip one byte of a command inside the newest snapshot, as a bad disk sector would.
        var newest = node.DataDirectory.GetDirectories("snapshots")[0].GetFiles("*-*").OrderBy(f => long.Parse(f.Name.Split('-')[0], System.Globalization.CultureInfo.InvariantCulture)).Last();
        var bytes = await File.ReadAllBytesAsync(newest.FullName);
        var offset = bytes.AsSpan().IndexOf("corrupt-me-2"u8);
        Assert.True(offset >= 0, "the snapshot holds the command verbatim");
        bytes[offset] ^= 0xFF;
        await File.WriteAllBytesAsync(newest.FullName, bytes);

        var error = await Assert.ThrowsAsync<SnapshotIntegrityException>(node.StartAsync);
        Assert.Contains("SHA-256", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, node.Log.Count);
    }

    private static int Files(TestNode node, string directory) =>
        Directory.Exists(Path.Combine(node.DataDirectory.FullName, directory))
            ? Directory.GetFiles(Path.Combine(node.DataDirectory.FullName, directory)).Length
            : 0;
}
