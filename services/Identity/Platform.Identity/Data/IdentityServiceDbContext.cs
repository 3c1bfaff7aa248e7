using Microsoft.EntityFrameworkCore;
using Platform.Messaging;

namespace Platform.Identity.Data;

/// <summary>The identity service's own database. No other service reads it.</summary>
public sealed class IdentityServiceDbContext(DbContextOptions<IdentityServiceDbContext> options) : DbContext(options)
{
    protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.AddOutboxAndInbox();
}
