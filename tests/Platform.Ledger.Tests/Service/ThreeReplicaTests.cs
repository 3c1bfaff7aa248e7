using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.Ledger.Verification;

namespace Platform.Ledger.Tests.Service;

/// <summary>Three real ledger services on loopback: forwarding, quorum-signed checkpoints, leader loss, quorum loss, restart from the WAL.</summary>
public sealed class ThreeReplicaTests : IAsyncLifetime
{
    private LedgerCluster _cluster = null!;

    public async Task InitializeAsync()
    {
        _cluster = await LedgerCluster.StartAsync(3);
        await _cluster.LeaderAsync();
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    /// <summary>Submits to a replica, waiting out the moments when keys are not registered yet or a leader is being elected.</summary>
    private async Task<JsonElement> SubmitAsync(int replica, string jws)
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var response = await _cluster.Client(replica).SendAsync(LedgerCluster.Submit(jws));
            var body = await response.Content.ReadFromJsonAsync<JsonElement>();
            if (response.IsSuccessStatusCode)
            {
                return body;
            }
            var code = body.TryGetProperty("code", out var c) ? c.GetString() : null;
            Assert.True(code is "unknown_key" or "quorum_unavailable", $"unexpected refusal {(int)response.StatusCode} {code}");
            await Task.Delay(50);
        }
        throw new TimeoutException("The ledger kept refusing the submission.");
    }

    private static int Follower(int leader) => (leader + 1) % 3;

    [Fact]
    public async Task A_write_to_a_follower_is_committed_through_the_leader_and_every_replica_agrees()
    {
        var leader = await _cluster.LeaderAsync();
        var (jws, payload) = await _cluster.SignConsentEventAsync();

        var body = await SubmitAsync(Follower(leader), jws);
        Assert.Equal("committed", body.GetProperty("status").GetString());

        var receipts = new List<Receipt>();
        for (var i = 0; i < 3; i++)
        {
            receipts.Add(await _cluster.ReceiptAsync(i, payload.EventId));
        }
        var keys = await _cluster.KeysAsync(leader);
        Assert.Equal(3, keys.Select(k => k.Replica).Distinct().Count());
        foreach (var receipt in receipts)
        {
            var result = ReceiptVerifier.Verify(receipt, keys);
            Assert.True(result.IsValid, result.Reason);
            Assert.True(receipt.Checkpoint.Signatures.Count >= 2, "a majority signed");
        }
    }

    [Fact]
    public async Task After_the_leader_stops_a_new_one_is_elected_and_nothing_acknowledged_is_lost()
    {
        var acknowledged = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            var (jws, payload) = await _cluster.SignConsentEventAsync();
            await SubmitAsync(i % 3, jws);
            acknowledged.Add(payload.EventId);
        }
        var oldLeader = await _cluster.LeaderAsync();
        await _cluster.StopReplicaAsync(oldLeader);

        var survivor = Follower(oldLeader);
        for (var i = 0; i < 5; i++)
        {
            var (jws, payload) = await _cluster.SignConsentEventAsync();
            await SubmitAsync(survivor, jws);
            acknowledged.Add(payload.EventId);
        }
        var newLeader = await _cluster.LeaderAsync();
        Assert.NotEqual(oldLeader, newLeader);

        foreach (var replica in Enumerable.Range(0, 3).Where(r => r != oldLeader))
        {
            foreach (var id in acknowledged)
            {
                Assert.True(ReceiptVerifier.Verify(await _cluster.ReceiptAsync(replica, id), await _cluster.KeysAsync(replica)).IsValid);
            }
            Assert.Equal(acknowledged.Count, (await _cluster.Status(replica)).TreeSize);
        }

        // The stopped replica comes back from its WAL and catches up to the same tree.
        await _cluster.StartReplicaAsync(oldLeader);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while ((await _cluster.Status(oldLeader)).TreeSize < acknowledged.Count && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }
        Assert.Equal(acknowledged.Count, (await _cluster.Status(oldLeader)).TreeSize);
        var rejoined = await _cluster.ReceiptAsync(oldLeader, acknowledged[^1]);
        var fromLeader = await _cluster.ReceiptAsync(newLeader, acknowledged[^1]);
        Assert.Equal(fromLeader.Entry, rejoined.Entry);
        Assert.Equal(fromLeader.LeafIndex, rejoined.LeafIndex);
    }

    [Fact]
    public async Task With_two_of_three_down_submissions_are_refused_and_succeed_once_a_majority_is_back()
    {
        var (warmup, _) = await _cluster.SignConsentEventAsync();
        await SubmitAsync(0, warmup);
        var leader = await _cluster.LeaderAsync();
        var survivor = Follower(leader);
        var other = Follower(survivor);
        await _cluster.StopReplicaAsync(leader);
        await _cluster.StopReplicaAsync(other);

        var (jws, payload) = await _cluster.SignConsentEventAsync();
        var response = await _cluster.Client(survivor).SendAsync(LedgerCluster.Submit(jws));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("quorum_unavailable", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        Assert.NotNull(response.Headers.RetryAfter);

        await _cluster.StartReplicaAsync(other);
        var body = await SubmitAsync(survivor, jws);
        Assert.Contains(body.GetProperty("status").GetString(), new[] { "committed", "duplicate" });
        Assert.True(ReceiptVerifier.Verify(await _cluster.ReceiptAsync(survivor, payload.EventId), await _cluster.KeysAsync(survivor)).IsValid);
    }

    [Fact]
    public async Task A_replica_without_a_leader_is_not_ready_and_is_ready_again_once_a_majority_is_back()
    {
        var (warmup, _) = await _cluster.SignConsentEventAsync();
        await SubmitAsync(0, warmup);
        var leader = await _cluster.LeaderAsync();
        var survivor = Follower(leader);
        var other = Follower(survivor);
        Assert.Equal(HttpStatusCode.OK, await ReadinessAsync(survivor));

        await _cluster.StopReplicaAsync(leader);
        await _cluster.StopReplicaAsync(other);
        // Not ready once it notices the leader is gone (an election timeout), so a rollout waits for it.
        Assert.Equal(HttpStatusCode.ServiceUnavailable, await ReadinessAsync(survivor, until: HttpStatusCode.ServiceUnavailable));
        Assert.Equal(HttpStatusCode.OK, (await _cluster.Client(survivor).GetAsync("/health/live")).StatusCode);

        await _cluster.StartReplicaAsync(other);
        Assert.Equal(HttpStatusCode.OK, await ReadinessAsync(survivor, until: HttpStatusCode.OK));
    }

    private async Task<HttpStatusCode> ReadinessAsync(int replica, HttpStatusCode? until = null)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var status = (await _cluster.Client(replica).GetAsync("/health/ready")).StatusCode;
            if (until is null || status == until || DateTime.UtcNow > deadline)
            {
                return status;
            }
            await Task.Delay(200);
        }
    }

    [Fact]
    public async Task Raft_traffic_is_mutual_TLS_and_a_plaintext_peer_is_refused()
    {
        var leader = await _cluster.LeaderAsync();
        var status = await _cluster.Client(leader).GetFromJsonAsync<JsonElement>("/cluster/status");
        var raft = status.GetProperty("raft");
        Assert.True(raft.GetProperty("tls").GetBoolean());
        var refusedBefore = raft.GetProperty("refusedConnections").GetInt64();

        // A peer that speaks DotNext's Raft protocol in plaintext (here: any plaintext bytes) never gets an answer.
        var self = System.Net.IPEndPoint.Parse(raft.GetProperty("self").GetString()!);
        using (var client = new System.Net.Sockets.TcpClient())
        {
            await client.ConnectAsync(self);
            var stream = client.GetStream();
            await stream.WriteAsync(new byte[64]);
            var buffer = new byte[16];
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            var read = await stream.ReadAsync(buffer, timeout.Token);
            // A TLS server answers garbage with at most an alert record (content type 21), never protocol data.
            Assert.True(read == 0 || buffer[0] == 21, $"the Raft port answered plaintext with {read} bytes starting {buffer[0]}");
        }

        await Platform.Testing.Eventually.TrueAsync(async () =>
            (await _cluster.Client(leader).GetFromJsonAsync<JsonElement>("/cluster/status")).GetProperty("raft").GetProperty("refusedConnections").GetInt64() > refusedBefore,
            "the plaintext connection to be counted as refused", TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Membership_changes_need_an_administrator_and_the_leader()
    {
        var leader = await _cluster.LeaderAsync();
        var follower = Follower(leader);
        async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(int replica, HttpMethod method, string name, string? token)
        {
            using var request = new HttpRequestMessage(method, $"/admin/members/{name}");
            if (token is not null)
            {
                request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
            }
            using var response = await _cluster.Client(replica).SendAsync(request);
            Assert.Equal("application/problem+json", response.StatusCode == HttpStatusCode.OK ? "application/problem+json" : response.Content.Headers.ContentType?.MediaType);
            return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>());
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(leader, HttpMethod.Delete, $"ledger-{follower}", null)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(leader, HttpMethod.Delete, $"ledger-{follower}", LedgerCluster.ServiceToken)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(leader, HttpMethod.Delete, $"ledger-{follower}", _cluster.ClusterToken)).Status);

        var misdirected = await SendAsync(follower, HttpMethod.Delete, $"ledger-{follower}", LedgerCluster.AdminToken);
        Assert.Equal(HttpStatusCode.MisdirectedRequest, misdirected.Status);
        Assert.Equal("not_leader", misdirected.Body.GetProperty("code").GetString());
        Assert.Equal($"ledger-{leader}", misdirected.Body.GetProperty("leader").GetString());

        var unknown = await SendAsync(leader, HttpMethod.Post, "ledger-9", LedgerCluster.AdminToken);
        Assert.Equal(HttpStatusCode.NotFound, unknown.Status);
        Assert.Equal("unknown_replica", unknown.Body.GetProperty("code").GetString());

        var unchanged = await SendAsync(leader, HttpMethod.Post, $"ledger-{follower}", LedgerCluster.AdminToken);
        Assert.Equal(HttpStatusCode.OK, unchanged.Status);
        Assert.Equal("unchanged", unchanged.Body.GetProperty("change").GetString());

        var removed = await SendAsync(leader, HttpMethod.Delete, $"ledger-{follower}", LedgerCluster.AdminToken);
        Assert.Equal(HttpStatusCode.OK, removed.Status);
        Assert.Equal("removed", removed.Body.GetProperty("change").GetString());
        Assert.Equal(2, removed.Body.GetProperty("members").GetArrayLength());
        Assert.DoesNotContain($"ledger-{follower}", removed.Body.GetProperty("members").EnumerateArray().Select(m => m.GetString()));

        // The two that are left are the whole cluster: writes still commit.
        var (jws, _) = await _cluster.SignConsentEventAsync();
        // (A retry inside SubmitAsync may find its own earlier attempt committed: "duplicate" is that same event.)
        Assert.Contains((await SubmitAsync(leader, jws)).GetProperty("status").GetString(), new[] { "committed", "duplicate" });
    }
}
