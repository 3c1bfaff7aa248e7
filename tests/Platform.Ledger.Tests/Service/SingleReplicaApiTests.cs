using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Platform.Crypto.Jose;
using Platform.Ledger.Verification;

namespace Platform.Ledger.Tests.Service;

/// <summary>The ledger API on the smallest setup (one replica, its own majority), including every kind of bad input.</summary>
public sealed class SingleReplicaApiTests : IAsyncLifetime
{
    private LedgerCluster _cluster = null!;

    public async Task InitializeAsync()
    {
        _cluster = await LedgerCluster.StartAsync(1);
        await _cluster.LeaderAsync();
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    private HttpClient Client => _cluster.Client(0);

    private async Task<HttpResponseMessage> SubmitWhenReadyAsync(string jws)
    {
        // The publisher key is registered through the log right after the election.
        for (var attempt = 0; ; attempt++)
        {
            var response = await Client.SendAsync(LedgerCluster.Submit(jws));
            if (response.StatusCode != HttpStatusCode.UnprocessableEntity || attempt > 100
                || !(await response.Content.ReadAsStringAsync()).Contains("unknown_key", StringComparison.Ordinal))
            {
                return response;
            }
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task A_submitted_event_is_committed_and_its_receipt_verifies_against_the_published_keys()
    {
        var (jws, payload) = await _cluster.SignConsentEventAsync();

        var response = await SubmitWhenReadyAsync(jws);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(payload.EventId, body.GetProperty("eventId").GetGuid());
        Assert.Equal("committed", body.GetProperty("status").GetString());

        var receipt = await _cluster.ReceiptAsync(0, payload.EventId);
        var result = ReceiptVerifier.Verify(receipt, await _cluster.KeysAsync(0));
        Assert.True(result.IsValid, result.Reason);
        Assert.Equal(jws, Encoding.UTF8.GetString(StrictBase64Url.TryDecode(receipt.Entry)!));

        // Entries are private: anonymous readers and submitting services are refused, auditors read them.
        var path = $"/entries/{body.GetProperty("leafIndex").GetInt64()}";
        using (var anonymous = await Client.GetAsync(path))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
            Assert.Equal("application/problem+json", anonymous.Content.Headers.ContentType?.MediaType);
        }
        using (var submitter = new HttpRequestMessage(HttpMethod.Get, path))
        {
            submitter.Headers.Authorization = new("Bearer", LedgerCluster.ServiceToken);
            Assert.Equal(HttpStatusCode.Unauthorized, (await Client.SendAsync(submitter)).StatusCode);
        }
        using var audit = new HttpRequestMessage(HttpMethod.Get, path);
        audit.Headers.Authorization = new("Bearer", LedgerCluster.AuditorToken);
        using var audited = await Client.SendAsync(audit);
        var entry = await audited.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(jws, entry.GetProperty("signedEvent").GetString());
    }

    [Fact]
    public async Task Submitting_the_same_event_again_returns_the_same_index()
    {
        var (jws, _) = await _cluster.SignConsentEventAsync();
        var first = await (await SubmitWhenReadyAsync(jws)).Content.ReadFromJsonAsync<JsonElement>();
        var again = await Client.SendAsync(LedgerCluster.Submit(jws));

        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var second = await again.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("duplicate", second.GetProperty("status").GetString());
        Assert.Equal(first.GetProperty("leafIndex").GetInt64(), second.GetProperty("leafIndex").GetInt64());
    }

    [Fact]
    public async Task Checkpoints_and_consistency_proofs_are_served_and_verify()
    {
        var (jws1, p1) = await _cluster.SignConsentEventAsync();
        await SubmitWhenReadyAsync(jws1);
        await _cluster.ReceiptAsync(0, p1.EventId);
        var older = (await Client.GetFromJsonAsync<SignedCheckpoint>("/checkpoints/latest"))!;
        var (jws2, p2) = await _cluster.SignConsentEventAsync();
        await SubmitWhenReadyAsync(jws2);
        await _cluster.ReceiptAsync(0, p2.EventId);
        var newer = (await Client.GetFromJsonAsync<SignedCheckpoint>("/checkpoints/latest"))!;

        var proof = await Client.GetFromJsonAsync<JsonElement>($"/proofs/consistency?from={older.Checkpoint.TreeSize}&to={newer.Checkpoint.TreeSize}");
        var nodes = proof.GetProperty("proof").EnumerateArray().Select(e => e.GetString()!).ToArray();
        var result = ConsistencyVerifier.Verify(older, newer, nodes, await _cluster.KeysAsync(0));
        Assert.True(result.IsValid, result.Reason);
        var history = await Client.GetFromJsonAsync<JsonElement>("/checkpoints");
        Assert.True(history.GetProperty("checkpoints").GetArrayLength() >= 2);
    }

    [Fact]
    public async Task Without_a_service_token_nothing_can_be_submitted()
    {
        var (jws, _) = await _cluster.SignConsentEventAsync();
        var none = await Client.SendAsync(LedgerCluster.Submit(jws, token: null));
        var wrong = await Client.SendAsync(LedgerCluster.Submit(jws, token: "guess"));
        var cluster = await Client.PostAsync("/internal/commands", new StringContent("{}", Encoding.UTF8, "application/json"));

        foreach (var response in new[] { none, wrong, cluster })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
        Assert.Equal(0, (await _cluster.Status(0)).TreeSize);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("not json")]
    [InlineData("""{"kind":"close-block","timestamp":1}""")]
    [InlineData("""{"kind":"publisher-key","issuer":"consent","jwk":{"kty":"EC","crv":"P-256","x":"AA","y":"AA","kid":"evil/1","alg":"ES256","use":"sig"}}""")]
    public async Task Replicas_may_only_forward_what_replicas_produce(string command)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/internal/commands") { Content = new StringContent(command, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new("Bearer", _cluster.ClusterToken);

        var response = await Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_command", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
    }

    [Theory]
    [InlineData("not-a-jws", "malformed_jws")]
    [InlineData("a.b.c", "malformed_jws")]
    public async Task A_malformed_signed_event_is_422_with_its_code(string jws, string code)
    {
        var response = await Client.SendAsync(LedgerCluster.Submit(jws));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(code, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
    }

    [Fact]
    public async Task An_oversized_event_is_refused_without_touching_the_log()
    {
        var response = await Client.SendAsync(LedgerCluster.Submit(new string('x', 20_000)));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("too_large", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        Assert.Equal(0, (await _cluster.Status(0)).TreeSize);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("""{"signedEvent":""}""")]
    [InlineData("{\"signedEvent\": ")]
    [InlineData("[]")]
    public async Task A_body_without_a_signed_event_is_400(string body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/entries") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new("Bearer", LedgerCluster.ServiceToken);
        var response = await Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("/entries/999999")]
    [InlineData("/entries/abc")]
    [InlineData("/checkpoints/424242")]
    [InlineData("/events/3f2504e0-4f89-11d3-9a0c-0305e82c3301/receipt")]
    [InlineData("/events/not-a-guid/receipt")]
    public async Task Unknown_things_are_404_problem_json(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new("Bearer", LedgerCluster.AuditorToken);
        var response = await Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("/proofs/consistency")]
    [InlineData("/proofs/consistency?from=5&to=2")]
    [InlineData("/proofs/consistency?from=0&to=99999")]
    [InlineData("/proofs/consistency?from=x&to=1")]
    public async Task A_bad_proof_request_is_400_problem_json(string path)
    {
        var response = await Client.GetAsync(path);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
