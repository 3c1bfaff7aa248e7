using Microsoft.Extensions.DependencyInjection;
using Platform.BuildingBlocks.Tests.TestService;
using Platform.Messaging;
using Platform.Messaging.InProcess;
using Platform.Messaging.Outbox;
using Platform.Testing;

namespace Platform.BuildingBlocks.Tests.Messaging;

/// <summary>
/// Issue 18: the relay no longer looks for due rows in a round woken only by a finished publish. Rows from writers
/// that wake it and from writers that do not (left to the poll) must all still leave while publishes keep finishing.
/// </summary>
public sealed class OutboxRelayRoundTests
{
    [Fact]
    public async Task Rows_from_writers_that_wake_the_relay_and_from_writers_that_do_not_are_all_published_while_publishes_keep_finishing()
    {
        await using var broker = new InProcessBroker();
        var bus = new StaggeredBus(new InProcessEventBus(broker));
        await using var service = await ServiceUnderTest.StartAsync(TestServiceApp.Build,
            new Dictionary<string, string?> { ["EventBus:Outbox:PollInterval"] = "00:00:00.100" },
            b =>
            {
                b.Services.AddSingleton(broker);
                b.Services.AddSingleton<IEventBus>(bus);
            });
        var wakeup = service.Services.GetRequiredService<OutboxWakeup>();

        var woken = new List<Guid>();
        var silent = new List<Guid>();
        for (var i = 0; i < 40; i++)
        {
            // Alternating: a writer that wakes the relay after its commit, and one that leaves its row to the poll.
            var eventId = await TestServiceData.AddNoteWithEventAsync(service.Services);
            if (i % 2 == 0)
            {
                wakeup.Wake();
                woken.Add(eventId);
            }
            else
            {
                silent.Add(eventId);
            }
        }

        foreach (var eventId in woken.Concat(silent))
        {
            await Eventually.TrueAsync(async () => (await TestServiceData.OutboxRowAsync(service.Services, eventId)).SentAtUtc is not null,
                $"event {eventId} was published and marked sent");
        }
        Assert.True(bus.Published >= 40, $"{bus.Published} publishes");
    }

    /// <summary>Each publish finishes a little after the previous one, so the relay is woken by finished publishes all along.</summary>
    private sealed class StaggeredBus(IEventBus inner) : IEventBus
    {
        private int _published;

        public int Published => Volatile.Read(ref _published);

        public int MaxConcurrentPublishes => 4;

        public async Task PublishAsync(OutgoingEvent outgoing, CancellationToken cancellationToken)
        {
            await Task.Yield();
            await inner.PublishAsync(outgoing, cancellationToken);
            Interlocked.Increment(ref _published);
        }
    }
}
