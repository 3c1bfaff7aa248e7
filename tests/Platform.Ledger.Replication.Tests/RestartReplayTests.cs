using Platform.Ledger.Replication.Tests.Support;
using Xunit.Abstractions;

namespace Platform.Ledger.Replication.Tests;

public sealed class RestartReplayTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_restarted_replica_replays_its_wal_then_catches_up_from_the_leader()
    {
        await using var cluster = await TestCluster.StartAsync(3, output);
        var leader = await cluster.WaitForLeaderAsync();
        var follower = cluster.Nodes.First(n => n != leader);

        var before = Enumerable.Range(0, 20).Select(i => $"before-{i}").ToArray();
        await cluster.AppendAllAsync(before);
        await TestCluster.WaitForConvergenceAsync(cluster.Nodes, before);
        var appliedBeforeStop = follower.Log.Snapshot();

        await follower.StopAsync();
        var whileDown = Enumerable.Range(0, 20).Select(i => $"while-down-{i}").ToArray();
        await cluster.AppendAllAsync(whileDown);

        // The replay ran inside StartAsync; the leader may already have sent more since the listener opened.
        await follower.StartAsync();
        var replayed = follower.Log.Snapshot();
        Assert.Equal(appliedBeforeStop, replayed.Take(appliedBeforeStop.Count));

        await TestCluster.WaitForConvergenceAsync(cluster.Nodes, [.. before, .. whileDown]);
        var reference = cluster.Nodes.First(n => n != follower).Log.Snapshot();
        Assert.Equal(reference, follower.Log.Snapshot());
        Assert.Equal([.. before, .. whileDown], reference.Select(a => a.Command));
    }

    [Fact]
    public async Task A_whole_cluster_restart_keeps_every_acknowledged_command()
    {
        await using var cluster = await TestCluster.StartAsync(3, output);
        await cluster.WaitForLeaderAsync();
        var first = Enumerable.Range(0, 15).Select(i => $"first-{i}").ToArray();
        var firstIndexes = await cluster.AppendAllAsync(first);
        var expected = first.Zip(firstIndexes, (c, i) => new AppliedCommand(i, c)).ToList();

        foreach (var node in cluster.Nodes)
            await node.KillAsync();

        // Started alone, a replica cannot hear of anything new: what it applies is its WAL replay, i.e. the prefix
        // it knew to be committed. The leader that acknowledged the last command knew all of it committed, and
        // closing its WAL checkpointed that.
        var replayed = new List<IReadOnlyList<AppliedCommand>>();
        foreach (var node in cluster.Nodes)
        {
            await node.StartAsync();
            replayed.Add(node.Log.Snapshot());
            await node.KillAsync();
        }

        Assert.All(replayed, r => Assert.Equal(expected.Take(r.Count), r));
        Assert.Equal(first.Length, replayed.Max(r => r.Count));

        await Task.WhenAll(cluster.Nodes.Select(n => n.StartAsync()));
        var second = Enumerable.Range(0, 5).Select(i => $"second-{i}").ToArray();
        var secondIndexes = await cluster.AppendAllAsync(second);
        Assert.True(secondIndexes[0] > firstIndexes[^1], "indexes continue after the restart");

        await TestCluster.WaitForConvergenceAsync(cluster.Nodes, [.. first, .. second]);
        foreach (var node in cluster.Nodes)
            Assert.Equal([.. expected, .. second.Zip(secondIndexes, (c, i) => new AppliedCommand(i, c))], node.Log.Snapshot());
    }
}
