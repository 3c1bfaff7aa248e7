using System.Collections.Concurrent;
using Platform.Messaging;
using Platform.Messaging.InProcess;
using Platform.Testing;

namespace Platform.BuildingBlocks.Tests.Messaging;

/// <summary>The broker's consumer groups, as Dapr gives them over Redis Streams: one delivery per service, nothing lost while a service restarts.</summary>
public sealed class InProcessBrokerGroupTests
{
    private static OutgoingEvent Event(string topic = "t.v1") => new(topic, Guid.NewGuid(), "{}"u8.ToArray(), "test", null);

    private static Func<OutgoingEvent, CancellationToken, Task<DispatchOutcome>> Record(ConcurrentBag<(string Member, Guid Id)> seen, string member) =>
        (message, _) =>
        {
            seen.Add((member, message.EventId));
            return Task.FromResult(DispatchOutcome.Success);
        };

    [Fact]
    public async Task Replicas_of_one_service_share_the_work_and_each_event_is_delivered_once()
    {
        await using var broker = new InProcessBroker();
        var seen = new ConcurrentBag<(string Member, Guid Id)>();
        await using var a = broker.Subscribe("t.v1", "ledger", "t.v1.deadletter", Record(seen, "a"));
        await using var b = broker.Subscribe("t.v1", "ledger", "t.v1.deadletter", Record(seen, "b"));

        var ids = new List<Guid>();
        for (var i = 0; i < 200; i++)
        {
            var e = Event();
            ids.Add(e.EventId);
            await broker.PublishAsync(e);
        }

        await Eventually.TrueAsync(() => seen.Count >= 200, "all events were delivered");
        await Task.Delay(100);
        Assert.Equal(ids.Order(), seen.Select(s => s.Id).Order());
    }

    [Fact]
    public async Task Every_subscribing_service_gets_every_event()
    {
        await using var broker = new InProcessBroker();
        var seen = new ConcurrentBag<(string Member, Guid Id)>();
        await using var consent = broker.Subscribe("t.v1", "consent", "t.v1.deadletter", Record(seen, "consent"));
        await using var vault = broker.Subscribe("t.v1", "record-vault", "t.v1.deadletter", Record(seen, "vault"));

        var e = Event();
        await broker.PublishAsync(e);

        await Eventually.TrueAsync(() => seen.Count == 2, "both services received the event");
        Assert.Equal(["consent", "vault"], seen.Select(s => s.Member).Order());
    }

    [Fact]
    public async Task Events_published_before_anyone_subscribed_reach_the_first_subscriber()
    {
        await using var broker = new InProcessBroker();
        var early = Event();
        await broker.PublishAsync(early);

        var seen = new ConcurrentBag<(string Member, Guid Id)>();
        await using var late = broker.Subscribe("t.v1", "ledger", "t.v1.deadletter", Record(seen, "late"));

        await Eventually.TrueAsync(() => seen.Any(s => s.Id == early.EventId), "the early event was delivered");
    }

    [Fact]
    public async Task A_service_that_restarts_receives_what_was_published_while_it_was_away()
    {
        await using var broker = new InProcessBroker();
        var seen = new ConcurrentBag<(string Member, Guid Id)>();
        var first = broker.Subscribe("t.v1", "ledger", "t.v1.deadletter", Record(seen, "first"));
        await first.DisposeAsync();

        var whileAway = Event();
        await broker.PublishAsync(whileAway);
        await using var restarted = broker.Subscribe("t.v1", "ledger", "t.v1.deadletter", Record(seen, "restarted"));

        await Eventually.TrueAsync(() => seen.Contains(("restarted", whileAway.EventId)), "the restarted service got the event");
    }

    [Fact]
    public async Task A_message_in_flight_when_its_member_leaves_goes_back_to_the_group()
    {
        await using var broker = new InProcessBroker();
        var started = new TaskCompletionSource();
        var stuck = broker.Subscribe("t.v1", "ledger", "t.v1.deadletter", async (_, ct) =>
        {
            started.TrySetResult();
            await Task.Delay(Timeout.Infinite, ct);
            return DispatchOutcome.Success;
        });
        var e = Event();
        await broker.PublishAsync(e);
        await started.Task.WaitAsync(TimeSpan.FromSeconds(10));

        await stuck.DisposeAsync();
        var seen = new ConcurrentBag<(string Member, Guid Id)>();
        await using var next = broker.Subscribe("t.v1", "ledger", "t.v1.deadletter", Record(seen, "next"));

        await Eventually.TrueAsync(() => seen.Contains(("next", e.EventId)), "the next member handled the event");
        Assert.Empty(broker.DeadLetters);
    }
}
