using Microsoft.EntityFrameworkCore;
using Platform.Consent.Core;
using Platform.Contracts.CodeLists;
using Platform.Hosting.Idempotency;
using Platform.Messaging;

namespace Platform.Consent.Data;

/// <summary>The consent service's own database: current consents, their version history with receipts, outbox and inbox, idempotency keys. Its schema comes from migrations, one set per provider (Data/Migrations; tests/tools/add-migration.sh).</summary>
public class ConsentDbContext(DbContextOptions options) : DbContext(options)
{
    public DbSet<ConsentRow> Consents => Set<ConsentRow>();

    public DbSet<ConsentVersionRow> ConsentVersions => Set<ConsentVersionRow>();

    public DbSet<OnBehalfProposalRow> OnBehalfProposals => Set<OnBehalfProposalRow>();

    public DbSet<PatientNoticeRow> PatientNotices => Set<PatientNoticeRow>();

    public DbSet<AccessRequestRow> AccessRequests => Set<AccessRequestRow>();

    public DbSet<ResearchOrganisationRow> ResearchOrganisations => Set<ResearchOrganisationRow>();

    public DbSet<ResearchStudyRow> ResearchStudies => Set<ResearchStudyRow>();

    public DbSet<VerifiedPersonRow> VerifiedPeople => Set<VerifiedPersonRow>();

    public DbSet<ResearchExportInclusionRow> ResearchExportInclusions => Set<ResearchExportInclusionRow>();

    public DbSet<ResearchCreditRow> ResearchCredits => Set<ResearchCreditRow>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.AddOutboxAndInbox().AddIdempotencyKeys();
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
        modelBuilder.Entity<OnBehalfProposalRow>(proposal =>
        {
            proposal.ToTable("OnBehalfProposals");
            proposal.HasKey(p => p.Id);
            proposal.Property(p => p.Status).HasMaxLength(16).IsConcurrencyToken();
            proposal.Property(p => p.Subject).HasMaxLength(128);
            proposal.Property(p => p.GranteeKind).HasMaxLength(32);
            proposal.Property(p => p.GranteeId).HasMaxLength(128);
            proposal.Property(p => p.Categories).HasMaxLength(1024);
            proposal.Property(p => p.Purposes).HasMaxLength(256);
            proposal.Property(p => p.Actions).HasMaxLength(64);
            proposal.Property(p => p.ProposedBy).HasMaxLength(128);
            proposal.Property(p => p.Reason).HasMaxLength(500);
            proposal.Property(p => p.DecidedBy).HasMaxLength(128);
            proposal.Property(p => p.DecisionReason).HasMaxLength(500);
            // Admins list the pending ones (by patient); a consent's view looks up the proposal that made it.
            proposal.HasIndex(p => new { p.Status, p.Subject });
            proposal.HasIndex(p => p.ConsentId);
        });
        modelBuilder.Entity<PatientNoticeRow>(notice =>
        {
            notice.ToTable("PatientNotices");
            notice.HasKey(n => n.Id);
            notice.Property(n => n.Patient).HasMaxLength(128);
            notice.Property(n => n.Kind).HasMaxLength(64);
            notice.HasIndex(n => new { n.Patient, n.CreatedAtMs });
        });
        modelBuilder.Entity<AccessRequestRow>(request =>
        {
            request.ToTable("AccessRequests");
            request.HasKey(r => r.Id);
            request.Property(r => r.Status).HasMaxLength(16).IsConcurrencyToken();
            request.Property(r => r.Patient).HasMaxLength(128);
            request.Property(r => r.Clinician).HasMaxLength(128);
            request.Property(r => r.Categories).HasMaxLength(1024);
            request.Property(r => r.Purposes).HasMaxLength(256);
            // The patient lists the requests addressed to them, the clinician those they made (and counts the pending ones).
            request.HasIndex(r => new { r.Patient, r.Status });
            request.HasIndex(r => new { r.Clinician, r.Status });
        });
        modelBuilder.AddResearch();
    }
}
