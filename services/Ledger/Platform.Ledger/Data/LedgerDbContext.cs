using Microsoft.EntityFrameworkCore;
using Platform.Messaging;

namespace Platform.Ledger.Data;

/// <summary>The ledger service's own database. No other service reads it. Its schema comes from migrations, one set per provider (Data/Migrations; tests/tools/add-migration.sh).</summary>
public class LedgerDbContext(DbContextOptions options) : DbContext(options)
{
    public DbSet<OwedReceipt> OwedReceipts => Set<OwedReceipt>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.AddOutboxAndInbox();
        modelBuilder.Entity<OwedReceipt>(owed =>
        {
            owed.ToTable("owed_receipts");
            owed.HasKey(o => o.EventId);
            owed.HasIndex(o => o.LeafIndex);
            owed.Property(o => o.TraceParent).HasMaxLength(128);
        });
    }
}
