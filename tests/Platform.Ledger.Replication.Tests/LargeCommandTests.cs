using Platform.Ledger.Replication.Tests.Support;
using Xunit.Abstractions;

namespace Platform.Ledger.Replication.Tests;

public sealed class LargeCommandTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Commands_of_64_KiB_replicate_and_replay_byte_for_byte()
    {
        await using var cluster = await TestCluster.StartAsync(3, output);
        await cluster.WaitForLeaderAsync();

        // 64 KiB each, all different, so that entries span WAL pages and chunk files.
        var random = new Random(42);
        var commands = Enumerable.Range(0, 80)
            .Select(i => $"big-{i:D3}-" + new string([.. Enumerable.Range(0, (64 * 1024) - 8).Select(_ => (char)random.Next('a', 'z' + 1))]))
            .ToArray();
        await cluster.AppendAllAsync(commands);
        await TestCluster.WaitForConvergenceAsync(cluster.Nodes, commands);

        var restarted = cluster.Nodes[0];
        await restarted.StopAsync();
        await restarted.StartAsync();
        await TestCluster.WaitForConvergenceAsync(cluster.Nodes, commands);

        foreach (var node in cluster.Nodes)
            Assert.Equal(commands, node.Log.Snapshot().Select(a => a.Command));
    }
}
