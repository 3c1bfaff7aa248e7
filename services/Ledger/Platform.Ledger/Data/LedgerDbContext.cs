using Microsoft.EntityFrameworkCore;
using Platform.Messaging;

namespace Platform.Ledger.Data;

/// <summary>The ledger service's own database. No other service reads it. Its schema comes from migrations, one set per provider (Data/Migrations; tests/tools/add-migration.sh).</summary>
public class LedgerDbContext(DbContextOptions options) : DbContext(options)
{
    protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.AddOutboxAndInbox();
}
