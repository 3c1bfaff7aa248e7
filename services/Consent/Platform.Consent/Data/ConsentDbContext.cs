using Microsoft.EntityFrameworkCore;
using Platform.Consent.Core;
using Platform.Messaging;

namespace Platform.Consent.Data;

/// <summary>The consent service's own database: current consents, their version history with receipts, outbox and inbox. Its schema comes from migrations, one set per provider (Data/Migrations; tests/tools/add-migration.sh).</summary>
public class ConsentDbContext(DbContextOptions options) : DbContext(options)
{
    public DbSet<ConsentRow> Consents => Set<ConsentRow>();

    public DbSet<ConsentVersionRow> ConsentVersions => Set<ConsentVersionRow>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.AddOutboxAndInbox();
        modelBuilder.Entity<ConsentRow>(consent =>
        {
            consent.ToTable("Consents");
            consent.HasKey(c => c.Id);
            consent.Property(c => c.Version).IsConcurrencyToken();
            consent.Property(c => c.Subject).HasMaxLength(128);
            consent.Property(c => c.GranteeKind).HasMaxLength(32);
            consent.Property(c => c.GranteeId).HasMaxLength(128);
            consent.Property(c => c.Categories).HasMaxLength(1024);
            consent.Property(c => c.Purposes).HasMaxLength(256);
            // Existing consents were read-only: the default makes them exactly that when the column is added.
            consent.Property(c => c.Actions).HasMaxLength(64).HasDefaultValue(ProvisionActions.Access);
            consent.Property(c => c.Status).HasMaxLength(16);
            consent.Property(c => c.Hash).HasMaxLength(64);
            consent.Property(c => c.LedgerSalt).HasMaxLength(32);
            // Decisions look up a patient's consents for one grantee; the expiry scan and identity revocation
            // look up by status/end and by grantee.
            consent.HasIndex(c => new { c.Subject, c.GranteeId });
            consent.HasIndex(c => new { c.Status, c.ValidUntilMs });
            consent.HasIndex(c => c.GranteeId);
        });
        modelBuilder.Entity<ConsentVersionRow>(version =>
        {
            version.ToTable("ConsentVersions");
            version.HasKey(v => new { v.ConsentId, v.Version });
            version.HasIndex(v => v.EventId).IsUnique();
            version.Property(v => v.Action).HasMaxLength(16);
            version.Property(v => v.Hash).HasMaxLength(64);
            version.Property(v => v.ChangedBy).HasMaxLength(128);
            version.Property(v => v.Reason).HasMaxLength(500);
            version.Property(v => v.LedgerSalt).HasMaxLength(32);
        });
    }
}
