using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Platform.Ledger.Replication.Tests.Support;
using Platform.Testing;
using Xunit.Abstractions;

namespace Platform.Ledger.Replication.Tests;

public sealed class SingleMemberTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_single_member_cluster_commits_with_itself_as_majority_and_replays_after_restart()
    {
        await using var cluster = await TestCluster.StartAsync(1, output);
        var node = cluster.Nodes[0];
        await node.Replica.WaitForLeaderAsync(TestCluster.AppendTimeout, CancellationToken.None);
        await Eventually.TrueAsync(() => node.Replica.IsLeader, "the only member to lead", TestCluster.ConvergenceTimeout);

        var commands = Enumerable.Range(0, 10).Select(i => $"solo-{i}").ToArray();
        var indexes = await cluster.AppendAllAsync(commands);
        var expected = commands.Zip(indexes, (c, i) => new AppliedCommand(i, c)).ToList();
        Assert.Equal(expected, node.Log.Snapshot());

        var status = node.Replica.Status;
        Assert.Equal(node.EndPoint, status.Leader);
        Assert.True(status.CommitIndex >= indexes[^1]);
        Assert.Equal(status.CommitIndex, status.LastAppliedIndex);
        Assert.Equal(MemberReachability.Reachable, Assert.Single(status.Members).Reachability);

        await node.KillAsync();
        await node.StartAsync();
        Assert.Equal(expected, node.Log.Snapshot());

        await node.Replica.WaitForLeaderAsync(TestCluster.AppendTimeout, CancellationToken.None);
        var next = await node.Replica.AppendAsync(TestCluster.Bytes("after-restart"), TestCluster.AppendTimeout, CancellationToken.None);
        Assert.True(next > indexes[^1]);
    }

    [Fact]
    public async Task The_hosted_service_starts_and_stops_the_replica_with_the_host()
    {
        var endpoint = FreePort.Allocate(1)[0];
        var directory = Path.Combine(Path.GetTempPath(), "raft-replication-tests", Guid.NewGuid().ToString("N"));
        var log = new AppliedLog();
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddRaftReplica(
            _ => new ReplicaOptions { DataDirectory = directory, RaftEndPoint = endpoint, Members = [endpoint] },
            _ => log.Apply);
        try
        {
            using (var host = builder.Build())
            {
                await host.StartAsync(CancellationToken.None);
                var replica = host.Services.GetRequiredService<RaftReplica>();
                await replica.WaitForLeaderAsync(TestCluster.AppendTimeout, CancellationToken.None);
                await Eventually.TrueAsync(() => replica.IsLeader, "the hosted replica to lead", TestCluster.ConvergenceTimeout);
                var index = await replica.AppendAsync(TestCluster.Bytes("hosted"), TestCluster.AppendTimeout, CancellationToken.None);
                Assert.Equal([new AppliedCommand(index, "hosted")], log.Snapshot());

                await host.StopAsync(CancellationToken.None);
                Assert.False(replica.IsLeader);
                await Assert.ThrowsAsync<ObjectDisposedException>(() =>
                    replica.AppendAsync(TestCluster.Bytes("after-stop"), TestCluster.AppendTimeout, CancellationToken.None));
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
