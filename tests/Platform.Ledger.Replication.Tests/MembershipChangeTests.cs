using Platform.Ledger.Replication.Tests.Support;
using Platform.Testing;
using Xunit.Abstractions;

namespace Platform.Ledger.Replication.Tests;

/// <summary>Members added and removed through the leader while the others keep running and committing: 3 → 5 → 3.</summary>
public sealed class MembershipChangeTests(ITestOutputHelper output)
{
    private static readonly TimeSpan ChangeTimeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Two_members_join_and_leave_one_at_a_time_while_commands_keep_committing()
    {
        await using var cluster = await TestCluster.StartAsync(5, output, named: true, initialMembers: 3);
        var founders = cluster.Nodes.Take(3).ToList();
        var joiners = cluster.Nodes.Skip(3).ToList();
        await cluster.AppendAllAsync(Enumerable.Range(0, 5).Select(i => $"three-{i}"));

        // A node outside the membership runs but takes no part until it is added.
        foreach (var joiner in joiners)
            await joiner.StartAsync();
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.All(joiners, j => Assert.Empty(j.Replica.Members));
        Assert.All(joiners, j => Assert.Equal(0, j.Log.Count));

        foreach (var joiner in joiners)
        {
            var leader = await cluster.WaitForLeaderAsync();
            Assert.Equal(MembershipChange.Changed, await leader.Replica.AddMemberAsync(joiner.EndPoint, ChangeTimeout, CancellationToken.None));
            await cluster.AppendAsync($"added-{joiner}");
        }
        var five = Enumerable.Range(0, 5).Select(i => $"five-{i}").ToArray();
        await cluster.AppendAllAsync(five);
        await TestCluster.WaitForConvergenceAsync(cluster.Nodes, five);
        Assert.All(cluster.Nodes, n => Assert.Equal(5, n.Replica.Members.Count));
        Assert.Equal(MembershipChange.Unchanged, await (await cluster.WaitForLeaderAsync()).Replica.AddMemberAsync(joiners[0].EndPoint, ChangeTimeout, CancellationToken.None));

        foreach (var leaving in joiners)
        {
            var leader = await cluster.WaitForLeaderAsync();
            Assert.Equal(MembershipChange.Changed, await leader.Replica.RemoveMemberAsync(leaving.EndPoint, ChangeTimeout, CancellationToken.None));
            await leaving.StopAsync();
        }
        var three = Enumerable.Range(0, 5).Select(i => $"three-again-{i}").ToArray();
        await cluster.AppendAllAsync(three);
        await TestCluster.WaitForConvergenceAsync(founders, three);
        Assert.All(founders, n => Assert.Equal(3, n.Replica.Members.Count));

        // The membership is persisted: a founder restarted on its directory knows the current three, not the seed.
        var restarted = founders.First(n => !n.Replica.IsLeader);
        await restarted.StopAsync();
        await restarted.StartAsync();
        Assert.Equal(3, restarted.Replica.Members.Count);
        await TestCluster.WaitForConvergenceAsync(founders, three);

        // And with two of five gone, three is the whole cluster: one more loss still leaves a majority of it.
        var spare = founders.First(n => n != restarted && !n.Replica.IsLeader);
        await spare.StopAsync();
        await cluster.AppendAsync("two-of-three");
    }

    [Fact]
    public async Task A_membership_change_is_refused_on_a_follower()
    {
        await using var cluster = await TestCluster.StartAsync(3, output, named: true);
        var leader = await cluster.WaitForLeaderAsync();
        var follower = cluster.Nodes.First(n => n != leader);
        var error = await Assert.ThrowsAsync<NotLeaderException>(() => follower.Replica.RemoveMemberAsync(leader.EndPoint, ChangeTimeout, CancellationToken.None));
        Assert.Equal(leader.EndPoint, error.Leader);
        Assert.Equal(3, leader.Replica.Members.Count);
    }
}
