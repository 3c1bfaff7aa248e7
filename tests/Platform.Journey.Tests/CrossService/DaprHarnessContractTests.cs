using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Platform.Journey.Tests.Dapr;
using Platform.ServiceDefaults;
using Platform.Testing;

namespace Platform.Journey.Tests.CrossService;

/// <summary>
/// The harness itself against a scripted app, for the parts of daprd's contract the services never trigger:
/// how each kind of answer is read (empty or non-JSON 2xx, unknown status, 404), a refused subscription, the
/// consumer group that starts at the beginning of the stream and keeps its queue while the app is away.
/// </summary>
public sealed class DaprHarnessContractTests
{
    [Fact]
    public async Task The_harness_reads_app_answers_subscriptions_and_absences_the_way_daprd_does()
    {
        await using var dapr = new DaprHarness(DaprComponents.Load(), new DaprHarnessOptions
        {
            RetryInitialInterval = TimeSpan.FromMilliseconds(10),
            RetryMaxInterval = TimeSpan.FromMilliseconds(50),
        });
        await dapr.StartSidecarAsync("consent", apiToken: "consent-api-token");
        await dapr.StartSidecarAsync("ledger", appToken: "ledger-app-token");
        await dapr.StartSidecarAsync("record-vault");

        // Published before the ledger ever subscribed: its new consumer group starts at the beginning of the stream.
        Assert.Equal(204, await PublishAsync(dapr, "consent.changed.v1", "early"));

        await using var app = await ScriptedApp.StartAsync();
        await dapr.AttachAppAsync("ledger", app.Address);
        await Eventually.TrueAsync(() => Outcome(dapr, "early") is not null, "the early event was delivered");
        Assert.Equal(MessageOutcome.Delivered, Outcome(dapr, "early")!.Outcome);
        Assert.All(app.Calls, c => Assert.Equal("ledger-app-token", c.Token));

        // Answers: RETRY once then SUCCESS; an empty 2xx and a non-JSON 2xx are successes; an unknown status is retried to the dead letter.
        foreach (var behaviour in new[] { "retry-once", "empty", "text", "unknown" })
        {
            Assert.Equal(204, await PublishAsync(dapr, "consent.changed.v1", behaviour));
        }
        await Eventually.TrueAsync(() => new[] { "retry-once", "empty", "text", "unknown" }.All(b => Outcome(dapr, b) is not null), "all four were settled");
        Assert.Equal((MessageOutcome.Delivered, 2), (Outcome(dapr, "retry-once")!.Outcome, Outcome(dapr, "retry-once")!.Attempts));
        Assert.Equal((MessageOutcome.Delivered, 1), (Outcome(dapr, "empty")!.Outcome, Outcome(dapr, "empty")!.Attempts));
        Assert.Equal((MessageOutcome.Delivered, 1), (Outcome(dapr, "text")!.Outcome, Outcome(dapr, "text")!.Attempts));
        Assert.Equal((MessageOutcome.DeadLettered, 5), (Outcome(dapr, "unknown")!.Outcome, Outcome(dapr, "unknown")!.Attempts));
        Assert.Single(dapr.Publishes, p => p.DeadLetter && p.Topic == "consent.changed.v1.deadletter" && p.AppId == "ledger");

        // A route the app does not serve (404): dropped at once, no retry, no dead letter.
        Assert.Equal(204, await PublishAsync(dapr, "access.recorded.v1", "nobody-home", app: "record-vault"));
        await Eventually.TrueAsync(() => Outcome(dapr, "nobody-home") is not null, "the 404 was settled");
        Assert.Equal((MessageOutcome.DroppedNotFound, 1), (Outcome(dapr, "nobody-home")!.Outcome, Outcome(dapr, "nobody-home")!.Attempts));
        Assert.DoesNotContain(dapr.Publishes, p => p.DeadLetter && p.Topic == "access.recorded.v1.deadletter");

        // The app declared a topic subscriptionScopes does not give the ledger: refused, never delivered.
        var refused = Assert.Single(dapr.Subscriptions, s => s.Topic == "identity.verified.v1");
        Assert.False(refused.Allowed);
        Assert.Contains("not allowed", refused.Refusal, StringComparison.Ordinal);

        // The app goes away: its consumer group keeps the event and delivers it when the app is back.
        dapr.DetachApp("ledger");
        Assert.Equal(204, await PublishAsync(dapr, "consent.changed.v1", "while-away"));
        await Task.Delay(300);
        Assert.Equal(1, dapr.PendingFor("ledger", "consent.changed.v1"));
        Assert.Null(Outcome(dapr, "while-away"));
        await dapr.AttachAppAsync("ledger", app.Address);
        await Eventually.TrueAsync(() => Outcome(dapr, "while-away")?.Outcome == MessageOutcome.Delivered, "the kept event was delivered after the return");
        // The consumer group records the outcome first and takes the settled message off its queue just after, so the
        // queue is empty a moment later, not necessarily at the instant the outcome is seen.
        await Eventually.TrueAsync(() => dapr.PendingFor("ledger") == 0, "the ledger's consumer group took the settled event off its queue", TimeSpan.FromSeconds(10));
        Assert.Equal(0, dapr.PendingFor("ledger"));

        // The sidecar's API token and the broker switch.
        using var http = new HttpClient();
        using (var anonymous = new HttpRequestMessage(HttpMethod.Post, new Uri(dapr.SidecarOf("consent").Endpoint, "v1.0/publish/pubsub/consent.changed.v1")))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await http.SendAsync(anonymous)).StatusCode);
        }
        Assert.Equal(HttpStatusCode.NoContent, (await http.GetAsync(new Uri(dapr.SidecarOf("consent").Endpoint, "v1.0/healthz"))).StatusCode);
        dapr.RefusePublishes = true;
        Assert.Equal(500, await PublishAsync(dapr, "consent.changed.v1", "outage"));
    }

    private static OutcomeRecord? Outcome(DaprHarness dapr, string behaviour) =>
        dapr.Outcomes.FirstOrDefault(o => dapr.Deliveries.Any(d => d.EventId == o.EventId && d.CloudEvent["data"]?["behaviour"]?.GetValue<string>() == behaviour));

    private static async Task<int> PublishAsync(DaprHarness dapr, string topic, string behaviour, string app = "consent")
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(dapr.SidecarOf(app).Endpoint, $"v1.0/publish/pubsub/{topic}"))
        {
            Content = new StringContent(JsonSerializer.Serialize(new { id = Guid.NewGuid(), behaviour }), Encoding.UTF8, "application/json"),
        };
        if (app == "consent")
        {
            request.Headers.Add("dapr-api-token", "consent-api-token");
        }
        using var response = await http.SendAsync(request);
        return (int)response.StatusCode;
    }

    /// <summary>An app that declares two subscriptions (one route it does not serve, one topic it may not have) and answers as scripted.</summary>
    private sealed class ScriptedApp : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly ConcurrentDictionary<string, int> _seen = new();

        private ScriptedApp(WebApplication app) => _app = app;

        public Uri Address => _app.GetListeningAddress();
        public ConcurrentQueue<(string Behaviour, string? Token)> Calls { get; } = new();

        public static async Task<ScriptedApp> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
            var web = builder.Build();
            var app = new ScriptedApp(web);
            web.MapGet("/dapr/subscribe", () => Results.Text("""
                [{"pubsubname":"pubsub","topic":"consent.changed.v1","route":"events/consent.changed.v1","deadLetterTopic":"consent.changed.v1.deadletter"},
                 {"pubsubname":"pubsub","topic":"access.recorded.v1","routes":{"default":"/not-served"}},
                 {"pubsubname":"pubsub","topic":"identity.verified.v1","route":"events/identity.verified.v1"}]
                """, "application/json"));
            web.MapPost("/events/consent.changed.v1", async (HttpContext http) =>
            {
                var envelope = (await JsonNode.ParseAsync(http.Request.Body))!;
                var behaviour = envelope["data"]!["behaviour"]!.GetValue<string>();
                app.Calls.Enqueue((behaviour, http.Request.Headers["dapr-api-token"].ToString()));
                var count = app._seen.AddOrUpdate(behaviour, 1, (_, n) => n + 1);
                return behaviour switch
                {
                    "retry-once" when count == 1 => Results.Json(new { status = "RETRY" }),
                    "empty" => Results.Ok(),
                    "text" => Results.Text("fine, thanks"),
                    "unknown" => Results.Json(new { status = "MAYBE" }),
                    _ => Results.Json(new { status = "SUCCESS" }),
                };
            });
            await web.StartAsync();
            return app;
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
