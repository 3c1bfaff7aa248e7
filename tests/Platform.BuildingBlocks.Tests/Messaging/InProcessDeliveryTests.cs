using Microsoft.Extensions.DependencyInjection;
using Platform.BuildingBlocks.Tests.TestService;
using Platform.Contracts;
using Platform.Messaging;
using Platform.Messaging.InProcess;
using Platform.Testing;

namespace Platform.BuildingBlocks.Tests.Messaging;

/// <summary>Delivery through the in-process transport: retries, poison, and the outbox keeping what is not handled yet.</summary>
public sealed class InProcessDeliveryTests
{
    private const int Attempts = 3;

    [Theory]
    [InlineData("throw")]
    [InlineData("retry")]
    public async Task A_failing_handler_is_retried_then_the_publish_fails_and_nothing_is_dead_lettered(string behaviour)
    {
        await using var harness = await Harness.StartAsync();
        var e = new ScriptedV1(behaviour);

        await Assert.ThrowsAsync<InProcessDeliveryException>(() => harness.PublishAsync(e));
        Assert.Equal(Attempts, harness.Log.CallsFor(e.Id));
        Assert.Empty(harness.Broker.DeadLetters);
    }

    [Fact]
    public async Task A_dropped_event_goes_to_dead_letter_without_retries()
    {
        await using var harness = await Harness.StartAsync();
        var e = new ScriptedV1("drop");
        await harness.PublishAsync(e);

        Assert.True(harness.DeadLettered.ContainsKey(e.Id), "the event reached the dead-letter topic");
        Assert.Equal(1, harness.Log.CallsFor(e.Id));
        Assert.Equal("Drop", Assert.Single(harness.Broker.DeadLetters).Reason);
    }

    [Fact]
    public async Task A_successful_handler_runs_once_and_nothing_is_dead_lettered()
    {
        await using var harness = await Harness.StartAsync();
        var e = new ScriptedV1("ok");
        await harness.PublishAsync(e);

        Assert.Equal(1, harness.Log.CallsFor(e.Id));
        Assert.Empty(harness.Broker.DeadLetters);
    }

    [Fact]
    public async Task A_payload_that_is_not_the_contract_is_dead_lettered_at_once()
    {
        await using var harness = await Harness.StartAsync();
        var id = Guid.NewGuid();
        await harness.Broker.PublishAsync(new OutgoingEvent(EventTopics.For<ScriptedV1>(), id, "{not json"u8.ToArray(), "test", null));

        Assert.True(harness.DeadLettered.ContainsKey(id), "the event reached the dead-letter topic");
        Assert.Equal("Malformed", Assert.Single(harness.Broker.DeadLetters).Reason);
    }

    /// <summary>The bug of issue 25: the row was marked sent as soon as the broker had queued it in memory.</summary>
    [Fact]
    public async Task The_outbox_row_stays_unsent_until_the_consumer_has_committed_the_event()
    {
        await using var harness = await Harness.StartAsync();
        var gate = harness.Service.Services.GetRequiredService<HandlerGate>();
        var id = await TestServiceData.AddScriptedEventAsync(harness.Service.Services, "wait");
        await gate.Entered.Task.WaitAsync(TimeSpan.FromSeconds(15));
        await Task.Delay(300); // several relay rounds

        Assert.Null((await TestServiceData.OutboxRowAsync(harness.Service.Services, id)).SentAtUtc);
        Assert.Equal(0, await TestServiceData.InboxCountAsync(harness.Service.Services, id));

        gate.Open.SetResult();
        await Eventually.TrueAsync(async () => (await TestServiceData.OutboxRowAsync(harness.Service.Services, id)).SentAtUtc is not null, "the row was marked sent");
        Assert.Equal(1, await TestServiceData.InboxCountAsync(harness.Service.Services, id));
    }

    /// <summary>A transient refusal that outlasts the broker's attempts is not dropped: the outbox publishes it again.</summary>
    [Fact]
    public async Task A_handler_that_keeps_asking_for_retries_gets_the_event_again_from_the_outbox()
    {
        await using var harness = await Harness.StartAsync();
        var succeedAt = (2 * Attempts) + 1;
        var id = await TestServiceData.AddScriptedEventAsync(harness.Service.Services, $"retry-until-{succeedAt}");

        await Eventually.TrueAsync(async () => (await TestServiceData.OutboxRowAsync(harness.Service.Services, id)).SentAtUtc is not null, "the row was marked sent");
        var row = await TestServiceData.OutboxRowAsync(harness.Service.Services, id);
        Assert.Equal(2, row.Attempts);
        Assert.Equal(succeedAt, harness.Log.CallsFor(id));
        Assert.Equal(1, await TestServiceData.InboxCountAsync(harness.Service.Services, id));
        Assert.Empty(harness.Broker.DeadLetters);
    }

    private sealed class Harness : IAsyncDisposable
    {
        private IAsyncDisposable? _deadLetterSubscription;

        public InProcessBroker Broker { get; } = new(new InProcessBrokerOptions
        {
            MaxDeliveryAttempts = Attempts,
            InitialRetryDelay = TimeSpan.FromMilliseconds(5),
        });

        public System.Collections.Concurrent.ConcurrentDictionary<Guid, OutgoingEvent> DeadLettered { get; } = new();

        public ServiceUnderTest Service { get; private set; } = null!;

        public HandlerLog Log => Service.Services.GetRequiredService<HandlerLog>();

        public static async Task<Harness> StartAsync()
        {
            var harness = new Harness();
            harness._deadLetterSubscription = harness.Broker.Subscribe("test.scripted.v1.deadletter", "dead-letter-reader", "unused",
                (message, _) =>
                {
                    harness.DeadLettered[message.EventId] = message;
                    return Task.FromResult(DispatchOutcome.Success);
                });
            harness.Service = await ServiceUnderTest.StartAsync(TestServiceApp.Build,
                new Dictionary<string, string?> { ["EventBus:Outbox:InitialRetryDelay"] = "00:00:00.050" },
                b => b.Services.AddSingleton(harness.Broker));
            return harness;
        }

        public Task PublishAsync(IntegrationEvent integrationEvent) =>
            Service.Services.GetRequiredService<IEventBus>().PublishAsync(EventSerializer.ToOutgoing(integrationEvent), CancellationToken.None);

        public async ValueTask DisposeAsync()
        {
            if (_deadLetterSubscription is not null)
            {
                await _deadLetterSubscription.DisposeAsync();
            }
            await Service.DisposeAsync();
            await Broker.DisposeAsync();
        }
    }
}
