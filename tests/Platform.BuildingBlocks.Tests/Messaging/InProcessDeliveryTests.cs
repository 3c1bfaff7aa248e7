using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Platform.BuildingBlocks.Tests.TestService;
using Platform.Contracts;
using Platform.Messaging;
using Platform.Messaging.InProcess;
using Platform.Testing;

namespace Platform.BuildingBlocks.Tests.Messaging;

public sealed class InProcessDeliveryTests
{
    private const int Attempts = 3;

    [Theory]
    [InlineData("throw")]
    [InlineData("retry")]
    public async Task A_failing_handler_is_retried_then_dead_lettered(string behaviour)
    {
        await using var harness = await Harness.StartAsync();
        var id = await harness.PublishAsync(new ScriptedV1(behaviour));

        var letter = await harness.DeadLetteredAsync(id);
        Assert.Equal(Attempts, harness.Log.CallsFor(id));
        var recorded = Assert.Single(harness.Broker.DeadLetters);
        Assert.Equal("RetriesExhausted", recorded.Reason);
        Assert.Equal(Attempts, recorded.Attempts);
        Assert.Equal("test.scripted.v1.deadletter", letter.Topic);
        Assert.Equal(id, letter.EventId);
    }

    [Fact]
    public async Task A_dropped_event_goes_to_dead_letter_without_retries()
    {
        await using var harness = await Harness.StartAsync();
        var id = await harness.PublishAsync(new ScriptedV1("drop"));

        await harness.DeadLetteredAsync(id);
        Assert.Equal(1, harness.Log.CallsFor(id));
        Assert.Equal("Drop", Assert.Single(harness.Broker.DeadLetters).Reason);
    }

    [Fact]
    public async Task A_successful_handler_runs_once_and_nothing_is_dead_lettered()
    {
        await using var harness = await Harness.StartAsync();
        var id = await harness.PublishAsync(new ScriptedV1("ok"));

        await Eventually.TrueAsync(() => harness.Log.CallsFor(id) == 1, "the handler ran");
        await Task.Delay(100);
        Assert.Equal(1, harness.Log.CallsFor(id));
        Assert.Empty(harness.Broker.DeadLetters);
    }

    [Fact]
    public async Task A_payload_that_is_not_the_contract_is_dead_lettered_at_once()
    {
        await using var harness = await Harness.StartAsync();
        var id = Guid.NewGuid();
        await harness.Broker.PublishAsync(new OutgoingEvent(EventTopics.For<ScriptedV1>(), id, "{not json"u8.ToArray(), "test", null));

        await harness.DeadLetteredAsync(id);
        Assert.Equal("Malformed", Assert.Single(harness.Broker.DeadLetters).Reason);
    }

    private sealed class Harness : IAsyncDisposable
    {
        private readonly ConcurrentDictionary<Guid, OutgoingEvent> _deadLetters = new();
        private IAsyncDisposable? _deadLetterSubscription;
        private ServiceUnderTest? _service;

        public InProcessBroker Broker { get; } = new(new InProcessBrokerOptions
        {
            MaxDeliveryAttempts = Attempts,
            InitialRetryDelay = TimeSpan.FromMilliseconds(5),
        });

        public HandlerLog Log => _service!.Services.GetRequiredService<HandlerLog>();

        public static async Task<Harness> StartAsync()
        {
            var harness = new Harness();
            harness._service = await ServiceUnderTest.StartAsync(TestServiceApp.Build, configure: b => b.Services.AddSingleton(harness.Broker));
            harness._deadLetterSubscription = harness.Broker.Subscribe("test.scripted.v1.deadletter", "dead-letter-reader", "unused",
                (message, _) =>
                {
                    harness._deadLetters[message.EventId] = message;
                    return Task.FromResult(DispatchOutcome.Success);
                });
            return harness;
        }

        public async Task<Guid> PublishAsync(IntegrationEvent integrationEvent)
        {
            await _service!.Services.GetRequiredService<IEventBus>().PublishAsync(EventSerializer.ToOutgoing(integrationEvent), CancellationToken.None);
            return integrationEvent.Id;
        }

        public async Task<OutgoingEvent> DeadLetteredAsync(Guid id)
        {
            await Eventually.TrueAsync(() => _deadLetters.ContainsKey(id), "the event reached the dead-letter topic");
            return _deadLetters[id];
        }

        public async ValueTask DisposeAsync()
        {
            if (_deadLetterSubscription is not null)
            {
                await _deadLetterSubscription.DisposeAsync();
            }
            if (_service is not null)
            {
                await _service.DisposeAsync();
            }
            await Broker.DisposeAsync();
        }
    }
}
