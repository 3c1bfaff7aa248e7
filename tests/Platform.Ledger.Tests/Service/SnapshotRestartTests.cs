using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Platform.Ledger.Node;
using Platform.Ledger.Verification;
using Platform.Testing;
using Xunit.Abstractions;

namespace Platform.Ledger.Tests.Service;

/// <summary>
/// A real ledger replica that snapshots every 40 log entries: after several snapshots and a restart it holds exactly
/// the state it had, from a data directory whose file count did not grow with the log.
/// </summary>
public sealed class SnapshotRestartTests(ITestOutputHelper output)
{
    private const int Interval = 40;

    [Fact]
    public async Task After_several_snapshots_a_restarted_replica_has_the_same_tree_checkpoints_and_idempotency_index()
    {
        await using var cluster = await LedgerCluster.StartAsync(1, extraSettings: new Dictionary<string, string?>
        {
            ["Ledger:SnapshotInterval"] = Interval.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        await cluster.WaitUntilAcceptingAsync();

        var ids = new List<Guid>();
        var fileCounts = new List<int>();
        for (var i = 0; i < 400; i++)
        {
            var (jws, payload) = await cluster.SignConsentEventAsync();
            var response = await cluster.Client(0).SendAsync(LedgerCluster.Submit(jws));
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            ids.Add(payload.EventId);
            if (i % 50 == 49)
            {
                fileCounts.Add(FileCount(cluster.RaftDirectory(0)));
            }
        }

        output.WriteLine($"files in the Raft directory after every 50 events: {string.Join(", ", fileCounts)}");

        // Wait until the last events are under a final checkpoint, then take the state as the API shows it.
        await cluster.ReceiptAsync(0, ids[^1]);
        var node = cluster.Replicas[0]!.Services.GetRequiredService<LedgerNode>();
        var snapshot = node.Replica.Status.Snapshot!;
        Assert.True(snapshot.Taken >= 5, $"only {snapshot.Taken} snapshots were taken");
        var before = await StateAsync(cluster, ids);
        var leafOfEarlyEvent = node.State.LeafIndexOf(ids[3]);
        Assert.NotNull(leafOfEarlyEvent);

        await cluster.StopReplicaAsync(0);
        await cluster.StartReplicaAsync(0);
        await cluster.LeaderAsync();

        // Started from its newest snapshot (not from entry 1), with the same state.
        var restarted = cluster.Replicas[0]!.Services.GetRequiredService<LedgerNode>().Replica.Status.Snapshot!;
        Assert.Equal(1, restarted.Installed);
        Assert.True(restarted.Index >= snapshot.Index - Interval, $"restored snapshot {restarted.Index}, newest before the restart {snapshot.Index}");
        Assert.Equal(before, await StateAsync(cluster, ids));

        // The idempotency index came back with it: an early event id is a duplicate of its first leaf.
        var (again, _) = await cluster.SignConsentEventAsync(ids[3]);
        var duplicate = await cluster.Client(0).SendAsync(LedgerCluster.Submit(again));
        Assert.Equal(HttpStatusCode.OK, duplicate.StatusCode);
        var body = await duplicate.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("duplicate", body.GetProperty("status").GetString());
        Assert.Equal(leafOfEarlyEvent, body.GetProperty("leafIndex").GetInt64());

        // Receipts issued before the restart still verify against the restored checkpoints.
        var receipt = await cluster.ReceiptAsync(0, ids[0]);
        Assert.True(ReceiptVerifier.Verify(receipt, await cluster.KeysAsync(0)).IsValid);

        // The log was compacted as it grew: 400 events (plus blocks and signatures) left the file count where it was.
        Assert.True(fileCounts.Max() <= 12, $"files in the Raft directory while writing: {string.Join(", ", fileCounts)}");
        Assert.True(fileCounts[^1] <= fileCounts[0] + 2, $"files in the Raft directory while writing: {string.Join(", ", fileCounts)}");
    }

    private static async Task<string> StateAsync(LedgerCluster cluster, IReadOnlyList<Guid> ids)
    {
        var client = cluster.Client(0);
        var status = await cluster.Status(0);
        var checkpoints = await client.GetStringAsync("/checkpoints");
        var latest = await client.GetStringAsync($"/checkpoints/{status.LatestFinalCheckpoint}");
        var proof = await client.GetStringAsync($"/proofs/consistency?from=1&to={status.TreeSize}");
        var node = cluster.Replicas[0]!.Services.GetRequiredService<LedgerNode>();
        return JsonSerializer.Serialize(new
        {
            status.TreeSize,
            status.LatestFinalCheckpoint,
            checkpoints,
            latest,
            proof,
            keys = JsonSerializer.Serialize(await cluster.KeysAsync(0)),
            leaves = ids.Select(id => node.State.LeafIndexOf(id)).ToArray(),
            rejected = node.State.RejectedCount,
        });
    }

    private static int FileCount(string directory) =>
        Directory.Exists(directory) ? Directory.GetFiles(directory, "*", SearchOption.AllDirectories).Length : 0;
}
