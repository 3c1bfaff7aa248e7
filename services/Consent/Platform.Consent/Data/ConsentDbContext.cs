using Microsoft.EntityFrameworkCore;
using Platform.Messaging;

namespace Platform.Consent.Data;

/// <summary>The consent service's own database. No other service reads it.</summary>
public sealed class ConsentDbContext(DbContextOptions<ConsentDbContext> options) : DbContext(options)
{
    protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.AddOutboxAndInbox();
}
