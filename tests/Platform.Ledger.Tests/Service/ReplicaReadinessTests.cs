using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
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
        Assert.True(ReplicaReadiness.Evaluate(Status(Leader, heard: true, commit: 89_500, applied: 89_200, leaderCommit: 90_000), readyLag: 1000).Ready);
        Assert.False(ReplicaReadiness.Evaluate(Status(Leader, heard: true, commit: 89_500, applied: 89_200, leaderCommit: 90_000), readyLag: 100).Ready);
    }

    [Fact]
    public async Task A_follower_restarted_behind_the_others_is_ready_only_once_it_heard_the_leader_and_holds_what_was_committed()
    {
        await using var cluster = await LedgerCluster.StartAsync(3, extraSettings: new Dictionary<string, string?> { ["Ledger:ReadyLag"] = "0" });
        var leader = await cluster.LeaderAsync();
        var follower = (leader + 1) % 3;
        await cluster.StopReplicaAsync(follower);

        var committed = 0;
        while (committed < 20)
        {
            var (jws, _) = await cluster.SignConsentEventAsync();
            if ((await cluster.Client(leader).SendAsync(LedgerCluster.Submit(jws))).StatusCode == HttpStatusCode.Created)
            {
                committed++;
            }
            else
            {
                await Task.Delay(50); // keys still being registered, or a re-election
            }
        }
        var treeBeforeRestart = (await cluster.Status(leader)).TreeSize;

        await cluster.StartReplicaAsync(follower);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while ((await cluster.Client(follower).GetAsync("/health/ready")).StatusCode != HttpStatusCode.OK)
        {
            Assert.True(DateTime.UtcNow < deadline, "the restarted follower never became ready");
            await Task.Delay(100);
        }

        var raft = (await cluster.Client(follower).GetFromJsonAsync<JsonElement>("/cluster/status")).GetProperty("raft");
        Assert.True(raft.GetProperty("heardCommitIndex").GetBoolean(), "ready without having heard the leader's commit index");
        Assert.True(raft.GetProperty("lastAppliedIndex").GetInt64() >= raft.GetProperty("leaderCommitIndex").GetInt64());
        Assert.True((await cluster.Status(follower)).TreeSize >= treeBeforeRestart, "ready before holding what was committed while it was down");
    }
}
