using System.Net;
using Platform.Ledger.Replication.Tests.Support;
using Xunit.Abstractions;

namespace Platform.Ledger.Replication.Tests;

/// <summary>Members known by name, resolved on every connection: a member may come back at another address.</summary>
public sealed class NamedMemberTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_member_restarted_at_a_new_address_under_its_name_rejoins_without_restarting_its_peers()
    {
        await using var cluster = await TestCluster.StartAsync(3, output, named: true);
        var leader = await cluster.WaitForLeaderAsync();
        Assert.IsType<DnsEndPoint>(leader.Replica.Leader);
        var before = Enumerable.Range(0, 10).Select(i => $"before-{i}").ToArray();
        await cluster.AppendAllAsync(before);

        var moved = cluster.Nodes.First(n => n != leader);
        var name = ((DnsEndPoint)moved.EndPoint).Host;
        var oldAddress = cluster.Names[name];
        await moved.KillAsync();
        var whileDown = Enumerable.Range(0, 10).Select(i => $"while-down-{i}").ToArray();
        await cluster.AppendAllAsync(whileDown);

        // Same name, same data directory, another address; the peers keep running and only the "DNS record" changes.
        var newAddress = IPAddress.Parse($"127.0.0.{oldAddress.GetAddressBytes()[3] + 100}");
        cluster.Names[name] = newAddress;
        moved.MoveTo(new IPEndPoint(newAddress, ((DnsEndPoint)moved.EndPoint).Port));
        await moved.StartAsync();

        var after = Enumerable.Range(0, 10).Select(i => $"after-{i}").ToArray();
        await cluster.AppendAllAsync(after);
        await TestCluster.WaitForConvergenceAsync(cluster.Nodes, [.. before, .. whileDown, .. after]);
        Assert.Equal(cluster.Nodes.First(n => n != moved).Log.Snapshot(), moved.Log.Snapshot());
    }

    [Fact]
    public async Task Followers_flush_what_they_receive_before_acknowledging_it()
    {
        await using var cluster = await TestCluster.StartAsync(3, output, named: true);
        var leader = await cluster.WaitForLeaderAsync();
        await cluster.AppendAllAsync(Enumerable.Range(0, 5).Select(i => $"c-{i}"));

        foreach (var follower in cluster.Nodes.Where(n => n != leader))
            Assert.True(follower.Replica.Status.FlushedAppends > 0, $"{follower} acknowledged entries without flushing them.");
    }
}
