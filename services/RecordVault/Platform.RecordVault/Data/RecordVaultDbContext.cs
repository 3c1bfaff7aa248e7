using Microsoft.EntityFrameworkCore;
using Platform.Messaging;

namespace Platform.RecordVault.Data;

/// <summary>The record-vault service's own database. No other service reads it.</summary>
public sealed class RecordVaultDbContext(DbContextOptions<RecordVaultDbContext> options) : DbContext(options)
{
    protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.AddOutboxAndInbox();
}
