using System.Collections.Concurrent;
using Platform.Messaging;
using Platform.Messaging.InProcess;

namespace Platform.BuildingBlocks.Tests.Messaging;

/// <summary>
/// The broker's consumer groups, as Dapr gives them over Redis Streams (one delivery per service, replicas share the
/// work), with one difference that makes a crash lose nothing: a publish completes only once every group has handled
/// the event, so the publisher's outbox keeps it until then.
/// </summary>
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

        Assert.Equal(ids.Order(), seen.Select(s => s.Id).Order());
        Assert.Equal(["a", "b"], seen.Select(s => s.Member).Distinct().Order());
    }

    [Fact]
    public async Task Every_subscribing_service_has_handled_the_event_when_the_publish_completes()
    {
        await using var broker = new InProcessBroker();
        var seen = new ConcurrentBag<(string Member, Guid Id)>();
        await using var consent = broker.Subscribe("t.v1", "consent", "t.v1.deadletter", Record(seen, "consent"));
        await using var vault = broker.Subscribe("t.v1", "record-vault", "t.v1.deadletter", Record(seen, "vault"));

        await broker.PublishAsync(Event());

        Assert.Equal(["consent", "vault"], seen.Select(s => s.Member).Order());
    }

    [Fact]
    public async Task A_publish_is_not_complete_while_the_handler_still_runs()
    {
        await using var broker = new InProcessBroker();
        var release = new TaskCompletionSource<DispatchOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var ledger = broker.Subscribe("t.v1", "ledger", "t.v1.deadletter", (_, _) =>
        {
            started.TrySetResult();
            return release.Task;
        });

        var publish = broker.PublishAsync(Event());
        await started.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await Task.Delay(200);
        Assert.False(publish.IsCompleted, "the publish completed before the handler had finished");

        release.SetResult(DispatchOutcome.Success);
        await publish.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task An_event_published_before_a_declared_group_has_a_member_waits_for_its_first_member()
    {
        await using var broker = new InProcessBroker();
        broker.Declare("t.v1", "ledger", "t.v1.deadletter");
        var early = Event();
        var publish = broker.PublishAsync(early);
        await Task.Delay(200);
        Assert.False(publish.IsCompleted, "the publish completed with nobody to handle it");

        var seen = new ConcurrentBag<(string Member, Guid Id)>();
        await using var late = broker.Subscribe("t.v1", "ledger", "t.v1.deadletter", Record(seen, "late"));

        await publish.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Contains(("late", early.EventId), seen);
    }

    [Fact]
    public async Task A_publish_to_a_service_that_stays_away_fails_so_the_publisher_keeps_the_event()
    {
        await using var broker = new InProcessBroker(new InProcessBrokerOptions { MemberWait = TimeSpan.FromMilliseconds(200) });
        var seen = new ConcurrentBag<(string Member, Guid Id)>();
        var first = broker.Subscribe("t.v1", "ledger", "t.v1.deadletter", Record(seen, "first"));
        await first.DisposeAsync();

        await Assert.ThrowsAsync<InProcessDeliveryException>(() => broker.PublishAsync(Event()));
        Assert.Empty(seen);
        Assert.Empty(broker.DeadLetters);
    }

    [Fact]
    public async Task A_member_that_leaves_mid_delivery_fails_the_publish_and_the_repeat_reaches_the_next_member()
    {
        await using var broker = new InProcessBroker();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var stuck = broker.Subscribe("t.v1", "ledger", "t.v1.deadletter", async (_, ct) =>
        {
            started.TrySetResult();
            await Task.Delay(Timeout.Infinite, ct);
            return DispatchOutcome.Success;
        });
        var e = Event();
        var publish = broker.PublishAsync(e);
        await started.Task.WaitAsync(TimeSpan.FromSeconds(10));

        await stuck.DisposeAsync();
        await Assert.ThrowsAsync<InProcessDeliveryException>(() => publish.WaitAsync(TimeSpan.FromSeconds(10)));

        var seen = new ConcurrentBag<(string Member, Guid Id)>();
        await using var next = broker.Subscribe("t.v1", "ledger", "t.v1.deadletter", Record(seen, "next"));
        await broker.PublishAsync(e);
        Assert.Contains(("next", e.EventId), seen);
        Assert.Empty(broker.DeadLetters);
    }

    [Fact]
    public async Task A_topic_nobody_declared_has_no_reader_and_its_publish_completes()
    {
        await using var broker = new InProcessBroker();
        var seen = new ConcurrentBag<(string Member, Guid Id)>();
        await using var other = broker.Subscribe("other.v1", "ledger", "other.v1.deadletter", Record(seen, "other"));

        await broker.PublishAsync(Event("t.v1")).WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Empty(seen);
    }
}
