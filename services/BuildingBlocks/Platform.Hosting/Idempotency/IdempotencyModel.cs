using Microsoft.EntityFrameworkCore;

namespace Platform.Hosting.Idempotency;

/// <summary>Adds the idempotency-key table to a service's own DbContext (call from OnModelCreating, then add a migration).</summary>
public static class IdempotencyModel
{
    public const string Table = "idempotency_keys";

    public static ModelBuilder AddIdempotencyKeys(this ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        modelBuilder.Entity<IdempotencyRecord>(record =>
        {
            record.ToTable(Table);
            record.HasKey(r => r.Id);
            record.Property(r => r.Id).HasMaxLength(64);
            record.Property(r => r.Fingerprint).HasMaxLength(64).IsRequired();
            record.Property(r => r.Headers).HasMaxLength(4000);
            // The cleanup deletes by expiry.
            record.HasIndex(r => r.ExpiresAtUtc);
        });
        return modelBuilder;
    }
}
