using Microsoft.EntityFrameworkCore;
using Platform.Messaging.Inbox;
using Platform.Messaging.Outbox;

namespace Platform.Messaging;

/// <summary>Adds the outbox and inbox tables to a service's own DbContext (call from OnModelCreating).</summary>
public static class MessagingModel
{
    public static ModelBuilder AddOutboxAndInbox(this ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<OutboxMessage>(outbox =>
        {
            outbox.ToTable("outbox_messages");
            outbox.HasKey(m => m.Sequence);
            outbox.Property(m => m.Sequence).ValueGeneratedOnAdd();
            outbox.HasIndex(m => m.EventId).IsUnique();
            // Two partial indexes instead of one on (SentAtUtc, NextAttemptAtUtc) (issue 18): every row is inserted
            // unsent and updated moments later, so an index holding sent rows too kept an entry per dead row version
            // until vacuum, and the relay's look for due rows walked them all. The relay reads the unsent index in
            // Sequence order (OutboxRelay.DueRowsAsync); the cleanup of old sent rows reads the other. The filters
            // are the same SQL on PostgreSQL and SQLite.
            outbox.HasIndex(m => m.Sequence).HasDatabaseName("IX_outbox_messages_unsent").HasFilter("\"SentAtUtc\" IS NULL");
            outbox.HasIndex(m => m.SentAtUtc).HasDatabaseName("IX_outbox_messages_sent").HasFilter("\"SentAtUtc\" IS NOT NULL");
            outbox.Property(m => m.Topic).HasMaxLength(200).IsRequired();
            outbox.Property(m => m.Source).HasMaxLength(100).IsRequired();
            outbox.Property(m => m.TraceParent).HasMaxLength(55);
            outbox.Property(m => m.LastError).HasMaxLength(200);
        });
        modelBuilder.Entity<InboxEntry>(inbox =>
        {
            inbox.ToTable("inbox_entries");
            inbox.HasKey(e => new { e.EventId, e.Handler });
            inbox.Property(e => e.Handler).HasMaxLength(300);
            inbox.Property(e => e.Topic).HasMaxLength(200);
        });
        return modelBuilder;
    }
}
