using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Platform.Messaging.Inbox;
using Platform.Messaging.Outbox;

namespace Platform.BuildingBlocks.Tests.TestService;

/// <summary>State changes and look-ups on the test service's own database, each in its own scope as a request would.</summary>
public static class TestServiceData
{
    /// <summary>Saves a note and its NoteAdded event in one transaction (the outbox pattern); returns the event id.</summary>
    public static async Task<Guid> AddNoteWithEventAsync(IServiceProvider services)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TestDbContext>();
        var note = new Note { Id = Guid.NewGuid(), Text = "hello" };
        db.Notes.Add(note);
        var message = db.AddIntegrationEvent(new NoteAddedV1(note.Id), TestServiceApp.Identity.Name);
        await db.SaveChangesAsync();
        return message.EventId;
    }

    /// <summary>Saves a scripted event in the outbox (no state change); returns the event id.</summary>
    public static async Task<Guid> AddScriptedEventAsync(IServiceProvider services, string behaviour)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TestDbContext>();
        var message = db.AddIntegrationEvent(new ScriptedV1(behaviour), TestServiceApp.Identity.Name);
        await db.SaveChangesAsync();
        return message.EventId;
    }

    public static async Task<OutboxMessage> OutboxRowAsync(IServiceProvider services, Guid eventId)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TestDbContext>();
        return await db.Set<OutboxMessage>().AsNoTracking().SingleAsync(m => m.EventId == eventId);
    }

    public static async Task<int> InboxCountAsync(IServiceProvider services, Guid eventId)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TestDbContext>();
        return await db.Set<InboxEntry>().CountAsync(e => e.EventId == eventId);
    }
}
