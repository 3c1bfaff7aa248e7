using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Platform.Ledger.Node;
using Platform.Ledger.Replication;

namespace Platform.Ledger.Tests.Service;

/// <summary>
/// <c>/health/ready</c> of a replica: the rule on its own (every state a restarted replica passes through), and a
/// follower restarted behind the others becoming ready only once it has heard the leader and caught up.
/// </summary>
public sealed class ReplicaReadinessTests
{
    private static readonly EndPoint Self = new DnsEndPoint("ledger-1", 5204);
    private static readonly EndPoint Leader = new DnsEndPoint("ledger-0", 5204);

    private static ReplicaStatus Status(EndPoint? leader, bool heard, long commit, long applied, long leaderCommit = 0) =>
        new(Self, leader, IsLeader: false, Term: 3, CommitIndex: commit, LastAppliedIndex: applied, Members: [],
            LeaderCommitIndex: leaderCommit, HeardCommitIndex: heard);

    [Fact]
    public void A_restarted_replica_that_knows_the_leader_but_has_not_heard_its_commit_index_is_not_ready()
    {
        // Replayed its own log up to 500, applied all of it, knows the leader from an AppendEntries whose consistency
        // check failed (the leader is at 90 000 and will walk back or send a snapshot): no lag it can see, yet behind.
        var (ready, reason) = ReplicaReadiness.Evaluate(Status(Leader, heard: false, commit: 500, applied: 500), readyLag: 1000);
        Assert.False(ready);
        Assert.Contains("commit index", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_a_leader_a_replica_is_not_ready_whatever_it_heard()
    {
        Assert.False(ReplicaReadiness.Evaluate(Status(null, heard: true, commit: 10, applied: 10), readyLag: 1000).Ready);
    }

    [Fact]
    public void Once_the_leaders_commit_index_is_heard_the_lag_decides()
    {
        Assert.False(ReplicaReadiness.Evaluate(Status(Leader, heard: true, commit: 500, applied: 500, leaderCommit: 90_000), readyLag: 1000).Ready);
        var (ready, reason) = ReplicaReadiness.Evaluate(Status(Leader, heard: true, commit: 89_500, applied: 89_200, leaderCommit: 90_000), readyLag: 1000);
        Assert.True(ready);
        Assert.Contains("applied 89200, commit index 90000", reason, StringComparison.Ordinal);
        Assert.False(ReplicaReadiness.Evaluate(Status(Leader, heard: true, commit: 89_500, applied: 89_200, leaderCommit: 90_000), readyLag: 100).Ready);
    }

    [Fact]
    public async Task A_follower_restarted_behind_the_others_is_ready_only_once_it_heard_the_leader_and_holds_what_was_committed()
    {
        await using var cluster = await LedgerCluster.StartAsync(3, extraSettings: new Dictionary<string, string?>
        {
            ["Ledger:ReadyLag"] = "0",
            ["RateLimiting:per-client:PermitLimit"] = "100000", // the submissions below come from one client
        });
        var leader = await cluster.LeaderAsync();
        var follower = (leader + 1) % 3;
        await cluster.StopReplicaAsync(follower);

        // Enough committed while it is down that catching up outlasts the host's start: with 20 events a readiness
        // rule that ignored the lag still passed, as the follower had caught up before the first probe.
        var committed = 0;
        await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            while (Volatile.Read(ref committed) < 1000)
            {
                var (jws, _) = await cluster.SignConsentEventAsync();
                if ((await cluster.Client(leader).SendAsync(LedgerCluster.Submit(jws))).StatusCode == HttpStatusCode.Created)
                {
                    Interlocked.Increment(ref committed);
                }
                else
                {
                    await Task.Delay(50); // keys still being registered, or a re-election
                }
            }
        }));
        var treeBeforeRestart = (await cluster.Status(leader)).TreeSize;
        var committedBeforeRestart = (await RaftStatusAsync(cluster, leader)).GetProperty("commitIndex").GetInt64();

        await cluster.StartReplicaAsync(follower);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        HttpResponseMessage probe;
        while ((probe = await cluster.Client(follower).GetAsync("/health/ready")).StatusCode != HttpStatusCode.OK)
        {
            probe.Dispose();
            Assert.True(DateTime.UtcNow < deadline, "the restarted follower never became ready");
            await Task.Delay(100);
        }
        using var ready = probe;

        // The first 200's own body says how far the follower had applied when it was judged ready (a later status
        // would race the leader, which commits a block every 200 ms): everything committed while it was down, and
        // nothing committed that it had not applied (ReadyLag 0).
        var reason = (await ready.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("checks").GetProperty("raft").GetProperty("description").GetString()!;
        var judged = Regex.Match(reason, @"applied (\d+), commit index (\d+)");
        Assert.True(judged.Success, $"the ready probe does not say what it judged: {reason}");
        var (applied, commitIndex) = (long.Parse(judged.Groups[1].Value), long.Parse(judged.Groups[2].Value));
        Assert.True(applied >= committedBeforeRestart, $"ready at applied index {applied}, before what was committed while it was down ({committedBeforeRestart})");
        Assert.True(applied >= commitIndex, $"ready with {commitIndex - applied} committed entries not applied: {reason}");
        Assert.True((await RaftStatusAsync(cluster, follower)).GetProperty("heardCommitIndex").GetBoolean(), "ready without having heard the leader's commit index");
        Assert.True((await cluster.Status(follower)).TreeSize >= treeBeforeRestart, "ready before holding what was committed while it was down");
    }

    private static async Task<JsonElement> RaftStatusAsync(LedgerCluster cluster, int replica) =>
        (await cluster.Client(replica).GetFromJsonAsync<JsonElement>("/cluster/status")).GetProperty("raft");
}
