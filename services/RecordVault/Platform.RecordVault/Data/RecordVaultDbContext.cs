using Microsoft.EntityFrameworkCore;
using Platform.Hosting.Idempotency;
using Platform.Messaging;

namespace Platform.RecordVault.Data;

/// <summary>The record-vault service's own database: record metadata, encrypted versions, the access log, outbox and inbox, idempotency keys. Its schema comes from migrations, one set per provider (Data/Migrations; tests/tools/add-migration.sh).</summary>
public class RecordVaultDbContext(DbContextOptions options) : DbContext(options)
{
    public DbSet<RecordRow> Records => Set<RecordRow>();

    public DbSet<RecordVersionRow> RecordVersions => Set<RecordVersionRow>();

    public DbSet<AccessLogRow> AccessLog => Set<AccessLogRow>();

    public DbSet<KnownPatientRow> KnownPatients => Set<KnownPatientRow>();

    public DbSet<ExportJobRow> ExportJobs => Set<ExportJobRow>();

    public DbSet<ExportFileRow> ExportFiles => Set<ExportFileRow>();

    public DbSet<PatientNoticeRow> PatientNotices => Set<PatientNoticeRow>();

    public DbSet<RecordSearchKeyRow> SearchKeys => Set<RecordSearchKeyRow>();

    public DbSet<SearchIndexKeyRow> SearchIndexKeys => Set<SearchIndexKeyRow>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.AddOutboxAndInbox().AddIdempotencyKeys();
        modelBuilder.Entity<RecordRow>(record =>
        {
            record.ToTable("Records");
            record.HasKey(r => r.Id);
            record.Property(r => r.CurrentVersion).IsConcurrencyToken();
            record.Property(r => r.Patient).HasMaxLength(128);
            record.Property(r => r.Category).HasMaxLength(64);
            record.Property(r => r.Kind).HasMaxLength(16);
            record.Property(r => r.ResourceType).HasMaxLength(64);
            record.Property(r => r.ContentType).HasMaxLength(128);
            record.HasIndex(r => r.Patient);
        });
        modelBuilder.Entity<RecordVersionRow>(version =>
        {
            version.ToTable("RecordVersions");
            version.HasKey(v => new { v.RecordId, v.Version });
            version.Property(v => v.KekName).HasMaxLength(127);
            version.Property(v => v.KekVersion).HasMaxLength(256);
            version.Property(v => v.WrapAlgorithm).HasMaxLength(64);
            version.Property(v => v.Hash).HasMaxLength(64);
            version.Property(v => v.CreatedBy).HasMaxLength(128);
            // The rewrap after a key rotation looks for versions still wrapped under an older KEK version.
            version.HasIndex(v => new { v.KekName, v.KekVersion });
            // Erasure and rewrap both change the wrapped key; neither may silently overwrite the other.
            version.Property(v => v.WrappedKey).IsConcurrencyToken();
        });
        modelBuilder.Entity<AccessLogRow>(entry =>
        {
            entry.ToTable("AccessLog");
            entry.HasKey(a => a.EventId);
            entry.Property(a => a.Patient).HasMaxLength(128);
            entry.Property(a => a.Actor).HasMaxLength(128);
            entry.Property(a => a.Action).HasMaxLength(16);
            entry.Property(a => a.Outcome).HasMaxLength(16);
            entry.Property(a => a.Purpose).HasMaxLength(16);
            entry.Property(a => a.Reason).HasMaxLength(128);
            // 500 characters of UTF-8 (up to 2,000 bytes), Data Protection's header and tag, base64url: well under 4,096.
            entry.Property(a => a.ProtectedBreakGlassReason).HasMaxLength(4096);
            entry.Property(a => a.RecordHash).HasMaxLength(64);
            // An IPv6 literal with a zone index fits well within 64 characters.
            entry.Property(a => a.NetworkAddress).HasMaxLength(64);
            entry.Property(a => a.ClientId).HasMaxLength(128);
            entry.HasIndex(a => new { a.Patient, a.AtMs });
            entry.Property(a => a.LedgerSalt).HasMaxLength(32);
        });
        modelBuilder.Entity<PatientNoticeRow>(notice =>
        {
            notice.ToTable("PatientNotices");
            notice.HasKey(n => n.Id);
            notice.Property(n => n.Patient).HasMaxLength(128);
            notice.Property(n => n.Kind).HasMaxLength(32);
            notice.Property(n => n.Code).HasMaxLength(64);
            notice.HasIndex(n => new { n.Patient, n.AtMs });
        });
        modelBuilder.Entity<RecordSearchKeyRow>(key =>
        {
            key.ToTable("RecordSearchKeys");
            key.HasKey(k => k.Id);
            key.Property(k => k.Patient).HasMaxLength(128);
            key.Property(k => k.ResourceType).HasMaxLength(64);
            key.Property(k => k.Parameter).HasMaxLength(16);
            key.Property(k => k.Token).HasMaxLength(64);
            // A search asks one patient's keys of one type and parameter (a token, or a date range).
            key.HasIndex(k => new { k.Patient, k.ResourceType, k.Parameter, k.Token });
            key.HasIndex(k => k.RecordId);
        });
        modelBuilder.Entity<SearchIndexKeyRow>(key =>
        {
            key.ToTable("SearchIndexKeys");
            key.HasKey(k => k.Name);
            key.Property(k => k.Name).HasMaxLength(64);
            key.Property(k => k.KekName).HasMaxLength(127);
            key.Property(k => k.KekVersion).HasMaxLength(256);
            key.Property(k => k.WrapAlgorithm).HasMaxLength(64);
        });
        modelBuilder.Entity<KnownPatientRow>(known =>
        {
            known.ToTable("KnownPatients");
            known.HasKey(k => k.Patient);
            known.Property(k => k.Patient).HasMaxLength(128);
        });
        modelBuilder.Entity<ExportJobRow>(job =>
        {
            job.ToTable("ExportJobs");
            job.HasKey(j => j.Id);
            job.Property(j => j.Requester).HasMaxLength(128);
            job.Property(j => j.Patient).HasMaxLength(128);
            job.Property(j => j.Types).HasMaxLength(1024);
            job.Property(j => j.Request).HasMaxLength(2048);
            job.Property(j => j.Status).HasMaxLength(16);
            job.Property(j => j.Error).HasMaxLength(64);
            job.HasIndex(j => new { j.Status, j.CreatedAtMs });
            job.HasIndex(j => j.Requester);
            job.HasIndex(j => j.ExpiresAtMs);
        });
        modelBuilder.Entity<ExportFileRow>(file =>
        {
            file.ToTable("ExportFiles");
            file.HasKey(f => f.Id);
            file.Property(f => f.Kind).HasMaxLength(16);
            file.Property(f => f.ResourceType).HasMaxLength(64);
            file.Property(f => f.KekName).HasMaxLength(127);
            file.Property(f => f.KekVersion).HasMaxLength(256);
            file.Property(f => f.WrapAlgorithm).HasMaxLength(64);
            file.Property(f => f.Hash).HasMaxLength(64);
            // A job's files go with it (cancel, expiry).
            file.HasOne<ExportJobRow>().WithMany().HasForeignKey(f => f.JobId).OnDelete(DeleteBehavior.Cascade);
        });
    }
}
