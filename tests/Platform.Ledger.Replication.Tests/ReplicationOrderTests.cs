using Platform.Ledger.Replication.Tests.Support;
using Platform.Testing;
using Xunit.Abstractions;

namespace Platform.Ledger.Replication.Tests;

public sealed class ReplicationOrderTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Three_replicas_elect_a_leader_and_apply_appends_in_the_same_order()
    {
        await using var cluster = await TestCluster.StartAsync(3, output);
        await cluster.WaitForLeaderAsync();

        var sequential = Enumerable.Range(0, 20).Select(i => $"seq-{i}").ToArray();
        var sequentialIndexes = await cluster.AppendAllAsync(sequential);

        // Concurrent appends: each still gets its own index, and the log decides one order for everybody.
        var concurrent = Enumerable.Range(0, 40).Select(i => $"par-{i}").ToArray();
        var concurrentIndexes = await Task.WhenAll(concurrent.Select(cluster.AppendAsync));

        var acknowledged = sequential.Zip(sequentialIndexes).Concat(concurrent.Zip(concurrentIndexes)).ToArray();
        Assert.Equal(sequentialIndexes.Order(), sequentialIndexes);
        Assert.Equal(acknowledged.Length, acknowledged.Select(a => a.Second).Distinct().Count());

        await TestCluster.WaitForConvergenceAsync(cluster.Nodes, [.. sequential, .. concurrent]);
        var reference = cluster.Nodes[0].Log.Snapshot();
        foreach (var node in cluster.Nodes)
            Assert.Equal(reference, node.Log.Snapshot());

        // Every acknowledged command was applied exactly once, at the index its append returned.
        Assert.Equal(
            acknowledged.Select(a => new AppliedCommand(a.Second, a.First)).OrderBy(a => a.Index),
            reference);
    }

    [Fact]
    public async Task A_follower_refuses_appends_and_names_the_leader()
    {
        await using var cluster = await TestCluster.StartAsync(3, output);
        var leader = await cluster.WaitForLeaderAsync();
        var follower = cluster.Nodes.First(n => n != leader);

        var error = await Assert.ThrowsAsync<NotLeaderException>(() =>
            follower.Replica.AppendAsync(TestCluster.Bytes("to-follower"), TestCluster.AppendTimeout, CancellationToken.None));

        Assert.Equal(leader.EndPoint, error.Leader);
        Assert.False(follower.Replica.IsLeader);
        var status = follower.Replica.Status;
        Assert.Equal(leader.EndPoint, status.Leader);
        Assert.Equal(3, status.Members.Count);
        Assert.Single(status.Members, m => m.IsSelf && m.EndPoint.Equals(follower.EndPoint));

        // The leader probes every member, so it reports them reachable.
        await Eventually.TrueAsync(
            () => leader.Replica.Status.Members.All(m => m.Reachability == MemberReachability.Reachable),
            "the leader to see every member as reachable",
            TestCluster.ConvergenceTimeout);
    }
}
