using System.Diagnostics;
using Platform.Ledger.Replication.Tests.Support;
using Platform.Testing;
using Xunit.Abstractions;

namespace Platform.Ledger.Replication.Tests;

public sealed class QuorumLossTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    // Slack for scheduling: the append must give up close to its own timeout, not hang.
    private static readonly TimeSpan Slack = TimeSpan.FromSeconds(1);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task With_two_of_three_down_appends_are_refused_until_one_returns(bool survivorWasLeader)
    {
        await using var cluster = await TestCluster.StartAsync(3, output);
        await cluster.AppendAllAsync(["healthy"]);
        var leader = await cluster.WaitForLeaderAsync();
        var survivor = survivorWasLeader ? leader : cluster.Nodes.First(n => n != leader);
        var down = cluster.Nodes.Where(n => n != survivor).ToList();
        foreach (var node in down)
            await node.KillAsync();

        // First attempt: depending on timing a NotLeader (stale or lost leadership) or a QuorumUnavailable.
        await AssertRefusedAsync<ReplicationException>(survivor, "lost-1");

        // Once the election timeout has passed, nobody can be elected: no leader is known and appends time out.
        await Eventually.TrueAsync(() => survivor.Replica.Leader is null, "the survivor to forget the lost leader", TestCluster.ConvergenceTimeout);
        var error = await AssertRefusedAsync<QuorumUnavailableException>(survivor, "lost-2");
        Assert.Contains("majority (2 of 3)", error.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<QuorumUnavailableException>(() => survivor.Replica.WaitForLeaderAsync(TimeSpan.FromMilliseconds(500), CancellationToken.None));

        Assert.False(survivor.Log.Contains("lost-1"));
        Assert.False(survivor.Log.Contains("lost-2"));
        Assert.False(survivor.Replica.IsLeader);

        await down[0].StartAsync();
        await cluster.AppendAllAsync(["recovered"]);
        List<TestNode> alive = [survivor, down[0]];
        await TestCluster.WaitForConvergenceAsync(alive, ["healthy", "recovered"]);
        Assert.Equal(survivor.Log.Snapshot(), down[0].Log.Snapshot());
    }

    private static async Task<TException> AssertRefusedAsync<TException>(TestNode node, string command)
        where TException : ReplicationException
    {
        var clock = Stopwatch.StartNew();
        var error = await Assert.ThrowsAnyAsync<TException>(() => node.Replica.AppendAsync(TestCluster.Bytes(command), Timeout, CancellationToken.None));
        Assert.True(clock.Elapsed < Timeout + Slack, $"refused after {clock.Elapsed}, expected within {Timeout}");
        return error;
    }
}
