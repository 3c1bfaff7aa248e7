using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Platform.BuildingBlocks.Tests.TestService;
using Platform.Messaging.Outbox;
using Platform.Testing;

namespace Platform.BuildingBlocks.Tests.Messaging;

/// <summary>
/// The Dapr contract on both sides, without daprd: what the app tells the sidecar in <c>/dapr/subscribe</c>, how it
/// answers deliveries (SUCCESS / RETRY / DROP, HTTP status), and the publish requests it sends to the sidecar.
/// </summary>
public sealed class DaprTransportTests
{
    private static Dictionary<string, string?> DaprSettings(Uri? sidecar = null, string? appToken = null, string? sidecarToken = null) => new()
    {
        ["EventBus:Transport"] = "Dapr",
        ["EventBus:AppApiToken"] = appToken,
        ["DAPR_HTTP_ENDPOINT"] = sidecar?.ToString() ?? "http://127.0.0.1:9",
        ["DAPR_API_TOKEN"] = sidecarToken,
    };

    [Fact]
    public async Task Subscribe_lists_every_topic_with_its_route_and_dead_letter_topic()
    {
        await using var service = await ServiceUnderTest.StartAsync(TestServiceApp.Build, DaprSettings());

        var response = await service.Client.GetAsync("/dapr/subscribe");
        response.EnsureSuccessStatusCode();
        var subscriptions = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.EnumerateArray()
            .ToDictionary(s => s.GetProperty("topic").GetString()!);

        Assert.Equal(["test.note-added.v1", "test.scripted.v1"], subscriptions.Keys.Order());
        foreach (var (topic, subscription) in subscriptions)
        {
            Assert.Equal("pubsub", subscription.GetProperty("pubsubName").GetString());
            // Dapr.AspNetCore writes routes without the leading slash; daprd resolves them against the app root.
            Assert.Equal("events/" + topic, subscription.GetProperty("route").GetString());
            Assert.Equal(topic + ".deadletter", subscription.GetProperty("deadLetterTopic").GetString());
        }
    }

    [Theory]
    [InlineData("ok", "SUCCESS")]
    [InlineData("retry", "RETRY")]
    [InlineData("throw", "RETRY")]
    [InlineData("drop", "DROP")]
    public async Task A_delivery_is_answered_with_the_handlers_status(string behaviour, string expected)
    {
        await using var service = await ServiceUnderTest.StartAsync(TestServiceApp.Build, DaprSettings());

        var response = await service.Client.SendAsync(CloudEvent("test.scripted.v1", Guid.NewGuid(), $$"""{"behaviour":"{{behaviour}}"}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(expected, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_redelivered_cloud_event_is_acknowledged_but_handled_once()
    {
        await using var service = await ServiceUnderTest.StartAsync(TestServiceApp.Build, DaprSettings());
        var id = Guid.NewGuid();
        var noteId = Guid.NewGuid();

        for (var i = 0; i < 3; i++)
        {
            var response = await service.Client.SendAsync(CloudEvent("test.note-added.v1", id, $$"""{"noteId":"{{noteId}}"}"""));
            Assert.Contains("SUCCESS", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.Equal(1, service.Services.GetRequiredService<HandlerLog>().CallsFor(id));
        await using var scope = service.Services.CreateAsyncScope();
        Assert.Equal(1, await scope.ServiceProvider.GetRequiredService<TestDbContext>().HandledNotes.CountAsync(n => n.NoteId == noteId));
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("""{"noteId":"not-a-guid","id":"3f2504e0-4f89-11d3-9a0c-0305e82c3301"}""")]
    [InlineData("""{"noteId":"3f2504e0-4f89-11d3-9a0c-0305e82c3301"}""")]
    public async Task A_payload_that_is_not_the_contract_gets_problem_json(string data)
    {
        await using var service = await ServiceUnderTest.StartAsync(TestServiceApp.Build, DaprSettings());
        using var request = new HttpRequestMessage(HttpMethod.Post, "/events/test.note-added.v1")
        {
            Content = new StringContent(data, Encoding.UTF8, "application/json"),
        };

        var response = await service.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("malformed_event", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_an_app_token_only_the_sidecar_may_deliver()
    {
        await using var service = await ServiceUnderTest.StartAsync(TestServiceApp.Build, DaprSettings(appToken: "s3cret-app-token"));

        var anonymous = await service.Client.SendAsync(CloudEvent("test.scripted.v1", Guid.NewGuid(), """{"behaviour":"ok"}"""));
        var wrong = CloudEvent("test.scripted.v1", Guid.NewGuid(), """{"behaviour":"ok"}""");
        wrong.Headers.Add("dapr-api-token", "guess");
        var wrongResponse = await service.Client.SendAsync(wrong);
        var right = CloudEvent("test.scripted.v1", Guid.NewGuid(), """{"behaviour":"ok"}""");
        right.Headers.Add("dapr-api-token", "s3cret-app-token");
        var rightResponse = await service.Client.SendAsync(right);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal("application/problem+json", anonymous.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.Unauthorized, wrongResponse.StatusCode);
        Assert.Equal(HttpStatusCode.OK, rightResponse.StatusCode);
    }

    [Fact]
    public async Task The_relay_publishes_to_the_sidecar_with_the_event_id_and_trace_context()
    {
        await using var sidecar = await FakeDaprSidecar.StartAsync();
        await using var service = await ServiceUnderTest.StartAsync(TestServiceApp.Build, DaprSettings(sidecar.Endpoint, sidecarToken: "sidecar-token"));

        var eventId = await AddNoteAsync(service);
        await Eventually.TrueAsync(() => !sidecar.Publishes.IsEmpty, "the relay published to the sidecar");

        var publish = Assert.Single(sidecar.Publishes);
        Assert.Equal("/v1.0/publish/pubsub/test.note-added.v1", publish.Path);
        var query = System.Web.HttpUtility.ParseQueryString(publish.Query);
        Assert.Equal(eventId.ToString(), query["metadata.cloudevent.id"]);
        Assert.Equal("test-service", query["metadata.cloudevent.source"]);
        Assert.Equal("test.note-added.v1", query["metadata.cloudevent.type"]);
        Assert.Equal("application/json", publish.ContentType);
        Assert.Equal("sidecar-token", publish.Headers["dapr-api-token"]);
        Assert.StartsWith("00-0af7651916cd43dd8448eb211c80319c-", publish.Headers["traceparent"], StringComparison.Ordinal);
        Assert.Equal(eventId, JsonDocument.Parse(publish.Body).RootElement.GetProperty("id").GetGuid());
        await Eventually.TrueAsync(async () => (await OutboxRowAsync(service, eventId)).SentAtUtc is not null, "the row was marked sent");
    }

    [Fact]
    public async Task A_refused_publish_stays_in_the_outbox_for_retry()
    {
        await using var sidecar = await FakeDaprSidecar.StartAsync();
        sidecar.PublishStatus = 500;
        await using var service = await ServiceUnderTest.StartAsync(TestServiceApp.Build, DaprSettings(sidecar.Endpoint));

        var eventId = await AddNoteAsync(service);
        await Eventually.TrueAsync(async () => (await OutboxRowAsync(service, eventId)).Attempts >= 1, "a failed attempt was recorded");

        var row = await OutboxRowAsync(service, eventId);
        Assert.Null(row.SentAtUtc);
        Assert.Equal("HttpRequestException", row.LastError);
        Assert.True(row.NextAttemptAtUtc > DateTime.UtcNow.AddMilliseconds(-100));
    }

    [Fact]
    public async Task Readiness_follows_the_sidecar()
    {
        await using var sidecar = await FakeDaprSidecar.StartAsync();
        await using (var withSidecar = await ServiceUnderTest.StartAsync(TestServiceApp.Build, DaprSettings(sidecar.Endpoint)))
        {
            Assert.Equal(HttpStatusCode.OK, (await withSidecar.Client.GetAsync("/health/ready")).StatusCode);
        }
        await using var without = await ServiceUnderTest.StartAsync(TestServiceApp.Build, DaprSettings());
        var response = await without.Client.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("Unhealthy", JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("checks").GetProperty("dapr").GetProperty("status").GetString());
    }

    private static HttpRequestMessage CloudEvent(string topic, Guid id, string data)
    {
        var payload = JsonDocument.Parse(data).RootElement;
        var withId = JsonSerializer.Serialize(new Dictionary<string, object?>(payload.EnumerateObject().Select(p => KeyValuePair.Create(p.Name, (object?)p.Value)))
        {
            ["id"] = id,
        });
        // The envelope daprd sends (CloudEvents 1.0, JSON data inline).
        var envelope = $$"""
            {"specversion":"1.0","id":"{{id}}","source":"publisher","type":"{{topic}}","datacontenttype":"application/json",
             "topic":"{{topic}}","pubsubname":"pubsub","traceparent":"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
             "data":{{withId}}}
            """;
        return new HttpRequestMessage(HttpMethod.Post, "/events/" + topic)
        {
            Content = new StringContent(envelope, Encoding.UTF8, "application/cloudevents+json"),
        };
    }

    /// <summary>Adds a note with its event inside a traced operation, so the outbox records the trace context.</summary>
    private static async Task<Guid> AddNoteAsync(ServiceUnderTest service)
    {
        using var activity = new System.Diagnostics.Activity("test-operation");
        activity.SetParentId("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
        activity.Start();
        return await TestServiceData.AddNoteWithEventAsync(service.Services);
    }

    private static Task<OutboxMessage> OutboxRowAsync(ServiceUnderTest service, Guid eventId) =>
        TestServiceData.OutboxRowAsync(service.Services, eventId);
}
