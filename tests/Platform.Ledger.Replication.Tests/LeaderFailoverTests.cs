using System.Collections.Concurrent;
using Platform.Ledger.Replication.Tests.Support;
using Platform.Testing;
using Xunit.Abstractions;

namespace Platform.Ledger.Replication.Tests;

public sealed class LeaderFailoverTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Killing_the_leader_during_a_stream_of_appends_loses_no_acknowledged_command()
    {
        await using var cluster = await TestCluster.StartAsync(3, output);
        var firstLeader = await cluster.WaitForLeaderAsync();

        var acknowledged = new ConcurrentQueue<(string Command, long Index)>();
        var rejected = 0;
        using var stopWriter = new CancellationTokenSource();
        var writer = Task.Run(() => WriteUntilStoppedAsync(cluster, acknowledged, () => Interlocked.Increment(ref rejected), stopWriter.Token));

        await Eventually.TrueAsync(() => acknowledged.Count >= 30, "30 acknowledged appends before the kill", TestCluster.ConvergenceTimeout);
        await firstLeader.KillAsync();
        var acknowledgedBeforeKill = acknowledged.Count;
        await Eventually.TrueAsync(
            () => acknowledged.Count >= acknowledgedBeforeKill + 30 || writer.IsCompleted,
            "30 more acknowledged appends after the leader was killed",
            TestCluster.ConvergenceTimeout);
        await stopWriter.CancelAsync();
        await writer;

        var newLeader = await cluster.WaitForLeaderAsync();
        Assert.NotEqual(firstLeader, newLeader);
        output.WriteLine($"acknowledged {acknowledged.Count} ({acknowledgedBeforeKill} before the kill), rejected {rejected}");

        var survivors = cluster.Running.ToList();
        var acked = acknowledged.ToArray();
        await TestCluster.WaitForConvergenceAsync(survivors, [.. acked.Select(a => a.Command)]);

        var reference = survivors[0].Log.Snapshot();
        foreach (var survivor in survivors)
        {
            var applied = survivor.Log.Snapshot();
            Assert.Equal(reference, applied);

            // Each attempt used a fresh payload, so any duplicate would be a replication bug.
            Assert.Equal(applied.Count, applied.Select(a => a.Command).Distinct().Count());
            var indexByCommand = applied.ToDictionary(a => a.Command, a => a.Index);
            foreach (var (command, index) in acked)
                Assert.Equal(index, indexByCommand.GetValueOrDefault(command, -1));
        }
    }

    /// <summary>
    /// One client appending unique commands to whoever leads, retrying with a NEW payload after a rejection
    /// (retrying the same bytes could legitimately duplicate an un-acknowledged command that committed after all).
    /// </summary>
    private static async Task WriteUntilStoppedAsync(
        TestCluster cluster, ConcurrentQueue<(string, long)> acknowledged, Action onRejected, CancellationToken stop)
    {
        var attempt = 0;
        RaftReplica? target = null;
        while (!stop.IsCancellationRequested)
        {
            target ??= cluster.Running.Select(n => n.ReplicaOrNull).FirstOrDefault(r => r?.IsLeader == true)
                       ?? cluster.Running.Select(n => n.ReplicaOrNull).FirstOrDefault(r => r is not null);
            if (target is null)
            {
                await Task.Delay(10, CancellationToken.None);
                continue;
            }

            var command = $"w-{attempt++}";
            try
            {
                var index = await target.AppendAsync(TestCluster.Bytes(command), TimeSpan.FromSeconds(2), CancellationToken.None);
                acknowledged.Enqueue((command, index));
            }
            catch (ReplicationException e)
            {
                onRejected();
                target = e is NotLeaderException { Leader: { } leader }
                    ? cluster.Running.FirstOrDefault(n => n.EndPoint.Equals(leader))?.ReplicaOrNull
                    : null;
                if (target is null)
                    await Task.Delay(20, CancellationToken.None);
            }
            catch (ObjectDisposedException)
            {
                // The target was killed between picking it and calling it.
                onRejected();
                target = null;
            }
        }
    }
}
