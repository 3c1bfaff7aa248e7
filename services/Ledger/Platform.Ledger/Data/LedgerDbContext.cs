using Microsoft.EntityFrameworkCore;
using Platform.Messaging;

namespace Platform.Ledger.Data;

/// <summary>The ledger service's own database. No other service reads it.</summary>
public sealed class LedgerDbContext(DbContextOptions<LedgerDbContext> options) : DbContext(options)
{
    protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.AddOutboxAndInbox();
}
