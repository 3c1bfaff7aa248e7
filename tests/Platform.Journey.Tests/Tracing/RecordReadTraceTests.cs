using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Platform.Contracts;
using Platform.Contracts.Events;
using Platform.DevHost;
using Platform.Identity.Accounts;
using Platform.Identity.Testing;
using Platform.Ledger.Node;
using Platform.Messaging;
using Platform.ServiceDefaults.Dpop;
using Platform.Testing;

namespace Platform.Journey.Tests.Tracing;

/// <summary>
/// Issue #8, item 5: one trace id follows a clinician's record read from the vault, through the consent decision,
/// to the ledger's commit of the read's access event (and the receipt coming back to the vault), on the dev host
/// with three ledger replicas.
/// </summary>
public sealed class RecordReadTraceTests
{
    /// <summary>The dev host's clinician-portal client binds every token to a DPoP key (RFC 9449): this one, for the whole class.</summary>
    private static readonly DpopProofKey Dpop = new();

    private static readonly string AccessTopic = EventTopics.For<RecordAccessedV1>();
    private static readonly string CommittedTopic = EventTopics.For<LedgerCommittedV1>();

    [Fact]
    public async Task A_record_read_the_consent_decision_and_the_ledger_commit_of_its_access_event_share_one_trace()
    {
        var data = Directory.CreateTempSubdirectory("platform-trace-").FullName;
        var traceId = ActivityTraceId.CreateRandom();
        var callerSpan = ActivitySpanId.CreateRandom();
        try
        {
            // Fixed ports (free ones): with identity on port 0 the other services would not know the issuer.
            var ports = FreePort.Allocate(3);
            var options = new DevHostOptions(data, ports[0].Port, ports[1].Port, ports[2].Port, FreePort.Consecutive(3), "127.0.0.1",
                LedgerReplicas: 3, LedgerRaftPort: 0, Traces: true);
            await using var host = new DevHostRunner(options);
            await host.StartAsync(CancellationToken.None);
            // Listening after the dev host's --traces exporter started, this collector sees the service label that exporter adds.
            using var spans = new SpanCollector(traceId);

            var identity = host.ServicesOf("identity");
            var patient = await TestAccounts.CreateAsync(identity, PlatformRoles.Patient, enrolTotp: false);
            var clinician = await TestAccounts.CreateAsync(identity, PlatformRoles.Clinician);
            var patientToken = await SignInAsync(host, patient);
            var clinicianToken = await SignInAsync(host, clinician);

            using var http = new HttpClient(new DpopHandler(Dpop) { InnerHandler = new SocketsHttpHandler() });
            var consent = await SendAsync(http, HttpMethod.Post, new Uri(host.Addresses["consent"], "/consents"), patientToken,
                JsonContent.Create(new
                {
                    grantee = new { kind = "practitioner", id = clinician.Id },
                    categories = new[] { "observation" },
                    purposes = new[] { "TREAT" },
                }));
            Assert.True(consent.StatusCode == HttpStatusCode.Created, await consent.Content.ReadAsStringAsync());
            var created = await SendAsync(http, HttpMethod.Post, new Uri(host.Addresses["record-vault"], $"/patients/{patient.Id}/records"), patientToken,
                new StringContent(
                    "{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"8867-4\"}]},"
                    + "\"valueQuantity\":{\"value\":72,\"unit\":\"beats/minute\"}}", Encoding.UTF8, "application/fhir+json"));
            var createdBody = await created.Content.ReadAsStringAsync();
            Assert.True(created.StatusCode == HttpStatusCode.Created, createdBody);
            var recordId = JsonDocument.Parse(createdBody).RootElement.GetProperty("id").GetString();

            // The read, inside a trace of our own: the caller sends traceparent, as a traced client or gateway would.
            // This client injects nothing itself (no propagator), so the header below is the only trace context.
            using var tracedClient = new HttpClient(new DpopHandler(Dpop) { InnerHandler = new SocketsHttpHandler { ActivityHeadersPropagator = null } });
            using var read = new HttpRequestMessage(HttpMethod.Get, new Uri(host.Addresses["record-vault"], $"/records/{recordId}"));
            read.Headers.Authorization = DpopClients.Authorization(clinicianToken);
            read.Headers.Add("traceparent", $"00-{traceId}-{callerSpan}-01");
            using var readResponse = await tracedClient.SendAsync(read);
            Assert.True(readResponse.StatusCode == HttpStatusCode.OK, await readResponse.Content.ReadAsStringAsync());

            // Also until the consume span that committed has stopped, and the vault's publish span after it: the ledger
            // wakes its receipt publisher when the consume's transaction commits, before the dispatcher returns and that
            // span (and a forwarded commit's server span on the leader) stops, and the in-process publish ends only after
            // the consume, so the vault's ledger.committed span may stop before either of them.
            await Eventually.TrueAsync(
                () => spans.Spans.FirstOrDefault(s => s.Source == LedgerTelemetry.Name && s.Tag("ledger.raft.index") is not null) is { } commit
                      && spans.Spans.Any(c => c.Name == $"{AccessTopic} process" && spans.Descends(commit, c))
                      && spans.Spans.Any(s => s.Name == $"{AccessTopic} publish")
                      && spans.Spans.Any(s => s.Name == $"{CommittedTopic} process"),
                "the ledger committed the read's access event (its consume and publish spans finished) and announced it, in the read's trace",
                TimeSpan.FromSeconds(30));
            var all = spans.Describe();

            // 1. The vault's request span continues the caller's trace.
            var vaultRequest = Assert.Single(spans.Spans, s => s.Kind == ActivityKind.Server && s.Tag("server.port") == Port(host, "record-vault"));
            Assert.True(vaultRequest.ParentSpanId == callerSpan, all);
            Assert.Equal("/records/{id}", vaultRequest.Tag("http.route"));
            Assert.Equal("record-vault", vaultRequest.Tag("devhost.service"));

            // 2. The vault's HTTP call POST /decisions, and the consent service's span for it, as its child.
            var decisionCall = Assert.Single(spans.Spans, s => s.Kind == ActivityKind.Client
                                                             && (s.Tag("url.full") ?? "").EndsWith("/decisions", StringComparison.Ordinal));
            Assert.True(spans.Descends(decisionCall, vaultRequest), all);
            Assert.Equal("record-vault", decisionCall.Tag("devhost.service"));
            var decision = Assert.Single(spans.Spans, s => s.Kind == ActivityKind.Server && s.Tag("server.port") == Port(host, "consent"));
            Assert.Equal("/decisions", decision.Tag("http.route"));
            Assert.True(decision.ParentSpanId == decisionCall.SpanId, all);
            Assert.Equal("consent", decision.Tag("devhost.service"));

            // 3. The access event: published by the vault's outbox relay and consumed by the ledger, both under the read.
            // The relay publishes at least once (a round that fails after a publish, e.g. on a locked SQLite file,
            // publishes again and the ledger's inbox drops the repeat), so every publish and consume of it is checked.
            var publishes = spans.Spans.Where(s => s.Name == $"{AccessTopic} publish").ToList();
            Assert.NotEmpty(publishes);
            var messageId = publishes[0].Tag("messaging.message.id");
            Assert.All(publishes, publish =>
            {
                Assert.Equal(ActivityKind.Producer, publish.Kind);
                Assert.Equal(messageId, publish.Tag("messaging.message.id"));
                Assert.True(spans.Descends(publish, vaultRequest), all);
            });
            var consumes = spans.Spans.Where(s => s.Name == $"{AccessTopic} process").ToList();
            Assert.NotEmpty(consumes);
            Assert.All(consumes, consume =>
            {
                Assert.Equal(ActivityKind.Consumer, consume.Kind);
                Assert.Equal(MessagingTelemetry.Name, consume.Source);
                Assert.Equal(messageId, consume.Tag("messaging.message.id"));
                Assert.True(spans.Descends(consume, vaultRequest), all);
            });

            // 4. The commit through Raft (on the leader; a follower's attempt forwards to it over HTTP), under the consume span.
            var commit = Assert.Single(spans.Spans, s => s.Source == LedgerTelemetry.Name && s.Tag("ledger.raft.index") is not null);
            Assert.Equal("SubmitBatch commit", commit.Name); // group commit (docs/ledger.md#group-commit)
            Assert.StartsWith("ledger-", commit.Tag("ledger.replica"), StringComparison.Ordinal);
            // Committed once, under the consume span that handled the event.
            var consume = Assert.Single(consumes, c => spans.Descends(commit, c));
            Assert.Equal("Success", consume.Tag("messaging.outcome"));
            Assert.Equal($"ledger ({commit.Tag("ledger.replica")})", commit.Tag("devhost.service"));

            // 5. ledger.committed, written by the ledger inside the consume span, reaches the vault in the same trace.
            var committed = spans.Spans.Where(s => s.Name == $"{CommittedTopic} process").ToList();
            Assert.NotEmpty(committed);
            Assert.All(committed, c => Assert.True(spans.Descends(c, consume), all));

            Assert.All(spans.Spans, s => Assert.Equal(traceId, s.TraceId));
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Theory]
    [InlineData(new string[0], false)]
    [InlineData(new[] { "--traces" }, true)]
    [InlineData(new[] { "--traces", "--data", "somewhere" }, true)]
    [InlineData(new[] { "--traces=false" }, false)]
    [InlineData(new[] { "--traces=true" }, true)]
    public void The_dev_host_turns_traces_on_with_a_switch(string[] args, bool expected)
    {
        var options = DevHostOptions.From(args);
        Assert.Equal(expected, options.Traces);
        if (args.Contains("--data"))
        {
            Assert.EndsWith("somewhere", options.DataDirectory, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_traces_value_that_is_not_a_boolean_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => DevHostOptions.From(["--traces=yes please"]));
        Assert.Contains("traces", error.Message, StringComparison.Ordinal);
    }

    private static string Port(DevHostRunner host, string service) =>
        host.Addresses[service].Port.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static async Task<string> SignInAsync(DevHostRunner host, TestAccount account)
    {
        using var session = new FormSession(host.Addresses["identity"]);
        var tokens = await new CodeFlow(session).SignInThroughPortalAsync(account, "openid consent.manage records", Dpop);
        return tokens.GetProperty("access_token").GetString()!;
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient http, HttpMethod method, Uri url, string token, HttpContent content)
    {
        using var request = new HttpRequestMessage(method, url) { Content = content };
        request.Headers.Authorization = DpopClients.Authorization(token);
        var response = await http.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }
}
