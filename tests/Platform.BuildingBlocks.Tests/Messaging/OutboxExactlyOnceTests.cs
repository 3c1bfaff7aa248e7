using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Platform.BuildingBlocks.Tests.TestService;
using Platform.Messaging;
using Platform.Messaging.Inbox;
using Platform.Messaging.InProcess;
using Platform.Messaging.Outbox;
using Platform.Testing;

namespace Platform.BuildingBlocks.Tests.Messaging;

[Collection(PostgresCollection.Name)]
public sealed class OutboxExactlyOnceTests(PostgresServer postgres)
{
    /// <summary>
    /// The relay publishes, then the process dies before it marks the message sent. The next process publishes the
    /// same event again; the consumer's inbox recognises it, so the handler's effect exists exactly once.
    /// </summary>
    [Theory]
    [InlineData("Sqlite")]
    [InlineData("Postgres")]
    public async Task Event_is_handled_once_when_the_relay_crashes_between_publish_and_mark(string provider)
    {
        using var consumed = new ConsumedActivities();
        await using var broker = new InProcessBroker();
        var settings = await SettingsFor(provider);
        var published = new TaskCompletionSource();
        Guid eventId;

        // First process: the relay publishes and then hangs until the process is stopped ("crash").
        await using (var first = await ServiceUnderTest.StartAsync(TestServiceApp.Build, settings, b =>
                     {
                         b.Services.AddSingleton(broker);
                         b.Services.AddSingleton<IEventBus>(new HangAfterPublishBus(new InProcessEventBus(broker), published));
                     }))
        {
            eventId = await TestServiceData.AddNoteWithEventAsync(first.Services);
            await published.Task.WaitAsync(TimeSpan.FromSeconds(15));
            await Eventually.TrueAsync(async () => await TestServiceData.InboxCountAsync(first.Services, eventId) == 1,
                "the first delivery was handled and committed");
        }

        await using var second = await ServiceUnderTest.StartAsync(TestServiceApp.Build, settings, b => b.Services.AddSingleton(broker));
        await Eventually.TrueAsync(() => consumed.For(eventId) == 2, "the event was delivered a second time");
        await Eventually.TrueAsync(async () => (await TestServiceData.OutboxRowAsync(second.Services, eventId)).SentAtUtc is not null, "the outbox row was marked sent");

        await using var scope = second.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TestDbContext>();
        Assert.Equal(1, await db.HandledNotes.CountAsync());
        Assert.Equal(0, second.Services.GetRequiredService<HandlerLog>().CallsFor(eventId));
        Assert.Equal(1, await TestServiceData.InboxCountAsync(second.Services, eventId));
        Assert.Empty(broker.DeadLetters);
    }

    [Fact]
    public async Task A_failed_publish_is_retried_with_backoff_and_nothing_is_lost()
    {
        await using var broker = new InProcessBroker();
        var failing = new FailingBus(new InProcessEventBus(broker), failures: 2);
        await using var service = await ServiceUnderTest.StartAsync(TestServiceApp.Build,
            new Dictionary<string, string?> { ["EventBus:Outbox:InitialRetryDelay"] = "00:00:00.050" },
            b =>
            {
                b.Services.AddSingleton(broker);
                b.Services.AddSingleton<IEventBus>(failing);
            });

        var eventId = await TestServiceData.AddNoteWithEventAsync(service.Services);
        var log = service.Services.GetRequiredService<HandlerLog>();
        await Eventually.TrueAsync(() => log.CallsFor(eventId) == 1, "the event was handled after the transport recovered");
        // The handler may run before the relay has recorded the successful publish.
        await Eventually.TrueAsync(async () => (await TestServiceData.OutboxRowAsync(service.Services, eventId)).SentAtUtc is not null, "the row was marked sent");

        var row = await TestServiceData.OutboxRowAsync(service.Services, eventId);
        Assert.Equal(2, row.Attempts);
        Assert.NotNull(row.SentAtUtc);
        Assert.Equal(3, failing.Calls);
    }

    [Fact]
    public async Task A_rolled_back_change_publishes_nothing()
    {
        await using var broker = new InProcessBroker();
        await using var service = await ServiceUnderTest.StartAsync(TestServiceApp.Build, configure: b => b.Services.AddSingleton(broker));
        await using var scope = service.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TestDbContext>();

        await using (var transaction = await db.Database.BeginTransactionAsync())
        {
            var note = new Note { Id = Guid.NewGuid(), Text = "never committed" };
            db.Notes.Add(note);
            db.AddIntegrationEvent(new NoteAddedV1(note.Id), "test-service");
            await db.SaveChangesAsync();
            await transaction.RollbackAsync();
        }

        db.ChangeTracker.Clear();
        Assert.Equal(0, await db.Set<OutboxMessage>().CountAsync());
        Assert.Equal(0, await db.Notes.CountAsync());
    }

    private async Task<Dictionary<string, string?>> SettingsFor(string provider) => provider switch
    {
        "Postgres" => new()
        {
            ["Database:Provider"] = "Postgres",
            ["ConnectionStrings:test-service"] = await postgres.CreateDatabaseAsync("outbox"),
        },
        _ => new() { ["Data:Directory"] = Directory.CreateTempSubdirectory("platform-outbox-").FullName },
    };

    /// <summary>Publishes, then never returns: the relay is stuck between publish and mark until the host stops.</summary>
    private sealed class HangAfterPublishBus(IEventBus inner, TaskCompletionSource published) : IEventBus
    {
        public async Task PublishAsync(OutgoingEvent outgoing, CancellationToken cancellationToken)
        {
            await inner.PublishAsync(outgoing, cancellationToken);
            published.TrySetResult();
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
    }

    private sealed class FailingBus(IEventBus inner, int failures) : IEventBus
    {
        private int _calls;
        public int Calls => _calls;

        public Task PublishAsync(OutgoingEvent outgoing, CancellationToken cancellationToken) =>
            Interlocked.Increment(ref _calls) <= failures
                ? throw new HttpRequestException("transport down")
                : inner.PublishAsync(outgoing, cancellationToken);
    }
}
