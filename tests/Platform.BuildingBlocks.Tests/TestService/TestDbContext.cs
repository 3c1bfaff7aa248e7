using Microsoft.EntityFrameworkCore;
using Platform.Hosting.Idempotency;
using Platform.Messaging;

namespace Platform.BuildingBlocks.Tests.TestService;

public sealed class Note
{
    public Guid Id { get; set; }
    public string Text { get; set; } = "";
}

/// <summary>A note the handler derived from an event; one row per handled event proves exactly-once.</summary>
public sealed class HandledNote
{
    public Guid Id { get; set; }
    public Guid NoteId { get; set; }
}

public sealed class TestDbContext(DbContextOptions<TestDbContext> options) : DbContext(options)
{
    public DbSet<Note> Notes => Set<Note>();
    public DbSet<HandledNote> HandledNotes => Set<HandledNote>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.AddOutboxAndInbox().AddIdempotencyKeys();
}
